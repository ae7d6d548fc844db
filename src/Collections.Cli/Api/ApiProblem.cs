using System.Net;
using System.Text.Json;

namespace Collections.Cli.Api;

/// <summary>An RFC 9457 problem as the API returns it, or what could be made of a non-problem error body.</summary>
public sealed record ApiProblem(
    HttpStatusCode Status,
    string Title,
    string? Detail,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Errors,
    JsonElement? Body)
{
    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var reason = response.ReasonPhrase is { Length: > 0 } phrase ? phrase : status.ToString();
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException)
        {
            text = "";
        }

        if (TryParseObject(text) is not { } body)
        {
            var snippet = text.Trim();
            return new(status, reason, snippet.Length == 0 ? null : Truncate(snippet, 500), [], null);
        }

        var title = body.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : reason;
        var detail = body.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        var errors = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        if (body.TryGetProperty("errors", out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in map.EnumerateObject())
            {
                errors.Add(new(field.Name, Messages(field.Value)));
            }
        }

        return new(status, title, detail, errors, body);
    }

    private static List<string> Messages(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()).ToList(),
        JsonValueKind.String => [value.GetString()!],
        _ => [value.GetRawText()],
    };

    private static JsonElement? TryParseObject(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length), "…");
}

/// <summary>The API answered a request with an error status.</summary>
public sealed class ApiProblemException(ApiProblem problem, HttpMethod method, Uri url)
    : Exception($"{method} {url} answered {(int)problem.Status} {problem.Title}: {problem.Detail}")
{
    public ApiProblem Problem { get; } = problem;

    public HttpMethod Method { get; } = method;

    public Uri Url { get; } = url;
}
