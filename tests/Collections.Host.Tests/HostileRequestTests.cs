using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Collections.Host.Tests;

/// <summary>
/// Hostile bodies sent to every operation of the OpenAPI document that takes one: an empty body, no
/// Content-Type, a wrong Content-Type and an unknown field each get a 4xx problem that says what the
/// operation takes, never a 5xx. An operation added tomorrow is covered the day it appears.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class HostileRequestTests(HostFixture host)
{
    private const string UnknownField = "zzNotAField";

    /// <summary>Values for the path parameters: well-formed ids, so the body is what is being tested.</summary>
    private static readonly Dictionary<string, string> PathValues = new()
    {
        ["lenderId"] = "L-hostile",
        ["accountRef"] = "A-hostile",
        ["agencyId"] = "AG-hostile",
        ["contactId"] = "1",
        ["type"] = "Hardship",
        ["documentId"] = "D1",
        ["complaintId"] = "C1",
        ["id"] = "0123456789abcdef01234567",
    };

    [Fact]
    public async Task Every_operation_with_a_body_answers_hostile_bodies_with_a_problem_that_says_what_it_takes()
    {
        var document = await (await host.Client(null).GetAsync("/openapi/v1.json")).JsonAsync();
        var operations = OpenApiDocumentTests.Operations(document)
            .Where(o => o.Operation.TryGetProperty("requestBody", out _))
            .ToList();
        Assert.NotEmpty(operations);

        var checkedCases = 0;
        foreach (var (method, path, operation) in operations)
        {
            var accepted = operation.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(c => c.Name).ToList();
            var json = accepted.Contains("application/json");
            var uri = Fill(path);
            var name = $"{method.ToUpperInvariant()} {path}";

            var noContentType = await SendAsync(method, uri, Body("{}", null));
            var detail = await ProblemDetailAsync(noContentType, name + " without Content-Type", HttpStatusCode.UnsupportedMediaType);
            Assert.Contains("no Content-Type", detail, StringComparison.Ordinal);
            Assert.Contains(accepted[0], detail, StringComparison.Ordinal);

            var wrongContentType = await SendAsync(method, uri, Body("{}", "text/plain"));
            detail = await ProblemDetailAsync(wrongContentType, name + " with text/plain", HttpStatusCode.UnsupportedMediaType);
            Assert.Contains("'text/plain'", detail, StringComparison.Ordinal);
            Assert.Contains(accepted[0], detail, StringComparison.Ordinal);
            checkedCases += 2;

            if (!json)
            {
                continue;
            }

            var empty = await SendAsync(method, uri, Body(string.Empty, "application/json"));
            detail = await ProblemDetailAsync(empty, name + " with an empty body", HttpStatusCode.BadRequest);
            Assert.Contains("empty", detail, StringComparison.Ordinal);
            Assert.Contains("application/json", detail, StringComparison.Ordinal);

            var unknown = await SendAsync(method, uri, Body($$"""{"{{UnknownField}}":1}""", "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
            Assert.Contains(UnknownField, await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            checkedCases += 2;
        }

        Assert.True(checkedCases >= operations.Count * 2);
    }

    [Fact]
    public async Task A_payment_with_a_field_the_api_does_not_know_is_refused_and_not_applied()
    {
        var lender = Http.NewId("L");
        await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import", Http.Ndjson(Records.Ndjson("A-1")));

        var refused = await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/A-1/payments",
            Http.Json("""{"paymentId":"P-1","amount":10,"amountt":20}"""));

        var detail = (await refused.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString();
        Assert.Contains("'amountt'", detail, StringComparison.Ordinal);
        Assert.Contains("paymentId, amount, paidAt", detail, StringComparison.Ordinal);
        var events = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/A-1/events")).JsonAsync();
        Assert.DoesNotContain(events.GetProperty("items").EnumerateArray(), e => e.GetProperty("type").GetString() == "PaymentReceived");
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string uri, HttpContent content) =>
        await host.Admin.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), uri) { Content = content });

    private static ByteArrayContent Body(string text, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        return content;
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, string name, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{name}: {(int)response.StatusCode} {body}");
        Assert.True(response.StatusCode == expected, $"{name}: expected {(int)expected}, got {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString() ?? string.Empty;
    }

    private static string Fill(string path) =>
        PathValues.Aggregate(path, (filled, value) => filled.Replace($"{{{value.Key}}}", value.Value, StringComparison.Ordinal));
}
