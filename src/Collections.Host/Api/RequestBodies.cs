using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Template;

namespace Collections.Host.Api;

/// <summary>
/// What an operation's body must be, for the problems that answer a body the operation cannot read
/// (empty, without or with another Content-Type, not JSON, an unknown field): each says what this
/// operation takes. The operation is found by its route even when routing refused the request (415).
/// </summary>
public static partial class RequestBodies
{
    /// <summary>415: the Content-Type sent (or that none was) and what this operation takes.</summary>
    public static string UnsupportedContentType(HttpContext context) =>
        (string.IsNullOrEmpty(context.Request.ContentType)
            ? "The request has no Content-Type. "
            : $"Content-Type '{context.Request.ContentType}' is not accepted here. ") + Expected(context);

    /// <summary>400 for a body the operation could not read: empty, not JSON, or with a field it does not know.</summary>
    public static string Unreadable(HttpContext context, BadHttpRequestException bad) => bad.InnerException switch
    {
        JsonException json when UnknownField(json) is { } field =>
            $"The body has a field this operation does not know: '{field}'{At(json)}. Leave it out. {Expected(context)}",
        // System.Text.Json names .NET types in conversion errors; the client needs the field, not our type names.
        JsonException { Path: { Length: > 1 } path } json when json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) =>
            $"The value at {path} is not of the type that field takes. {Expected(context)}",
        JsonException json =>
            $"The body is not valid JSON for this operation{At(json)}: {json.Message.Split(" Path:", 2)[0].Split(" LineNumber", 2)[0]} {Expected(context)}",
        _ when IsEmpty(context.Request) && Operation(context)?.Metadata.GetMetadata<IAcceptsMetadata>() is not null => $"The body is empty. {Expected(context)}",
        _ when BindFailure().Match(bad.Message) is { Success: true } failure =>
            $"'{failure.Groups["value"].Value}' is not a valid value for {failure.Groups["name"].Value}; see /openapi/v1.json for what it takes.",
        _ => bad.Message,
    };

    /// <summary>ASP.NET's message for a route or query value that does not parse, which names the C# parameter type.</summary>
    [GeneratedRegex("^Failed to bind parameter \"(?:\\S+ )?(?<name>[^\"]+)\" from \"(?<value>[^\"]*)\"")]
    private static partial Regex BindFailure();

    private static string At(JsonException json) => json.Path is { Length: > 1 } path ? $" (at {path})" : string.Empty;

    /// <summary>The field System.Text.Json refused as unmapped (the API disallows unknown fields); null for any other JSON error.</summary>
    private static string? UnknownField(JsonException json) =>
        Unmapped().Match(json.Message) is { Success: true } match ? match.Groups["name"].Value : null;

    [GeneratedRegex("^The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial Regex Unmapped();

    private static bool IsEmpty(HttpRequest request) =>
        request.ContentLength == 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0);

    /// <summary>"POST /… takes …", from the operation's declared body; a general hint when no operation matches.</summary>
    public static string Expected(HttpContext context)
    {
        if (Operation(context) is not { } operation)
        {
            return "JSON bodies are application/json; imports take application/x-ndjson or text/csv. See /openapi/v1.json.";
        }

        var accepts = operation.Metadata.GetMetadata<IAcceptsMetadata>();
        var route = $"{context.Request.Method} {operation.RoutePattern.RawText}";
        if (accepts is null || accepts.ContentTypes.Count == 0)
        {
            return $"{route} takes no body.";
        }

        if (accepts.ContentTypes.All(t => t.StartsWith("multipart/", StringComparison.Ordinal)))
        {
            return $"{route} takes {string.Join(" or ", accepts.ContentTypes)}: a file part and the form's fields (see /openapi/v1.json).";
        }

        if (!accepts.ContentTypes.Any(IsJson))
        {
            return $"{route} takes {string.Join(" or ", accepts.ContentTypes)} (imports: one JSON object per line, or CSV with a header row).";
        }

        return accepts.RequestType is { } type && Fields(type) is { Count: > 0 } fields
            ? $"{route} takes Content-Type application/json: an object with the fields {string.Join(", ", fields)} (no others)."
            : $"{route} takes Content-Type application/json: a JSON object.";
    }

    /// <summary>The camelCase names of a body type's fields, as the API's JSON names them.</summary>
    private static List<string> Fields(Type type) =>
        type.Namespace?.StartsWith("Collections.", StringComparison.Ordinal) == true
            ? [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))]
            : [];

    private static bool IsJson(string contentType) => contentType.Contains("json", StringComparison.OrdinalIgnoreCase) && !contentType.Contains("ndjson", StringComparison.OrdinalIgnoreCase);

    /// <summary>The API operation this request addresses: the matched one, or the one whose route and method fit when routing answered 415 itself.</summary>
    private static RouteEndpoint? Operation(HttpContext context)
    {
        if (context.GetEndpoint() is RouteEndpoint { } matched && matched.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
        {
            return matched;
        }

        var sources = context.RequestServices.GetRequiredService<EndpointDataSource>();
        return sources.Endpoints.OfType<RouteEndpoint>().FirstOrDefault(endpoint =>
            endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase) == true
            && new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), []).TryMatch(context.Request.Path, []));
    }
}
