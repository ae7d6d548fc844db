using System.Net;
using System.Text.Json;

namespace Collections.Host.Tests;

/// <summary>
/// The OpenAPI document as a client generator and a linter read it: every operation named, summarised,
/// tagged and secured by the X-Api-Key scheme unless it is public.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class OpenApiDocumentTests(HostFixture host)
{
    /// <summary>Operations anyone may call (API.md, "Health, docs, ops"); health, docs, openapi and metrics are not in the document at all.</summary>
    private static readonly string[] PublicPaths = ["/api/v1/clock", "/health/live", "/health/ready", "/docs", "/openapi/v1.json", "/metrics"];

    [Fact]
    public async Task Every_operation_has_a_unique_operationId_a_summary_a_tag_and_needs_the_api_key_unless_public()
    {
        var document = await DocumentAsync();
        var operations = Operations(document).ToList();
        Assert.NotEmpty(operations);

        foreach (var (method, path, operation) in operations)
        {
            var name = $"{method.ToUpperInvariant()} {path}";
            Assert.False(string.IsNullOrWhiteSpace(Text(operation, "operationId")), $"{name} has no operationId");
            Assert.False(string.IsNullOrWhiteSpace(Text(operation, "summary")), $"{name} has no summary");
            Assert.True(operation.TryGetProperty("tags", out var tags) && tags.GetArrayLength() > 0, $"{name} has no tag");
            Assert.DoesNotContain("Collections.Host", tags.EnumerateArray().Select(t => t.GetString()));

            var schemes = operation.TryGetProperty("security", out var security)
                ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ToList()
                : [];
            if (PublicPaths.Contains(path) || path.StartsWith("/api/v1/portal/", StringComparison.Ordinal))
            {
                Assert.Empty(schemes);
            }
            else
            {
                Assert.True(schemes.SequenceEqual(["ApiKey"]), $"{name} does not declare the ApiKey scheme");
            }
        }

        var ids = operations.Select(o => Text(o.Operation, "operationId")).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task The_api_key_scheme_is_the_X_Api_Key_header_and_every_tag_is_described()
    {
        var document = await DocumentAsync();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", Text(scheme, "type"));
        Assert.Equal("header", Text(scheme, "in"));
        Assert.Equal("X-Api-Key", Text(scheme, "name"));

        var described = document.GetProperty("tags").EnumerateArray().ToDictionary(t => Text(t, "name")!, t => Text(t, "description"));
        foreach (var tag in Operations(document).SelectMany(o => o.Operation.GetProperty("tags").EnumerateArray()).Select(t => t.GetString()!).Distinct())
        {
            Assert.False(string.IsNullOrWhiteSpace(described.GetValueOrDefault(tag)), $"tag '{tag}' has no description");
        }
    }

    [Fact]
    public async Task The_events_page_is_a_typed_schema_not_a_stream()
    {
        var document = await DocumentAsync();
        var ok = document.GetProperty("paths").GetProperty("/api/v1/lenders/{lenderId}/accounts/{accountRef}/events").GetProperty("get")
            .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal("#/components/schemas/EventPageResponse", Text(ok, "$ref"));

        var page = document.GetProperty("components").GetProperty("schemas").GetProperty("EventPageResponse").GetProperty("properties");
        Assert.Equal("#/components/schemas/AuditEvent", Text(page.GetProperty("items").GetProperty("items"), "$ref"));
        var item = document.GetProperty("components").GetProperty("schemas").GetProperty("AuditEvent").GetProperty("properties");
        foreach (var field in (string[])["seq", "at", "type", "actor", "data"])
        {
            Assert.True(item.TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task The_docs_page_shows_this_api_and_hides_the_vendors_client_button_and_tools()
    {
        var page = await host.Client(null).GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Contains("<title>Collections.Orleans API</title>", html, StringComparison.Ordinal);
        Assert.Contains("\"hideClientButton\":true", html, StringComparison.Ordinal);
        Assert.Contains("\"showDeveloperTools\":\"never\"", html, StringComparison.Ordinal);
        Assert.Contains("\"telemetry\":false", html, StringComparison.Ordinal);
    }

    private async Task<JsonElement> DocumentAsync()
    {
        var response = await host.Client(null).GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    internal static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement document) =>
        from path in document.GetProperty("paths").EnumerateObject()
        from operation in path.Value.EnumerateObject()
        where operation.Name is "get" or "put" or "post" or "delete" or "patch"
        select (operation.Name, path.Name, operation.Value);

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
