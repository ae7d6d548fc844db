using Collections.Host.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Collections.Host.Import;

/// <summary>Chooses the reader for an import body by its content type, and shapes the response.</summary>
public static class ImportBodies
{
    public static IAsyncEnumerable<ImportLine>? Read(HttpRequest request, IReadOnlyCollection<string> csvColumns, CancellationToken cancellationToken)
    {
        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        return mediaType switch
        {
            "application/x-ndjson" or "application/jsonl" or "application/ndjson" => NdjsonReader.ReadAsync(request.BodyReader, cancellationToken),
            "text/csv" => CsvRecordReader.ReadAsync(request.Body, csvColumns, cancellationToken),
            _ => null,
        };
    }

    public static ProblemHttpResult UnsupportedMediaType(HttpContext context) =>
        TypedResults.Problem(RequestBodies.UnsupportedContentType(context), statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    /// <summary>200 with the summary, or 400 when the body stopped being readable (what was read before it still counts).</summary>
    public static Results<Ok<Dictionary<string, object>>, ProblemHttpResult> Respond(ImportSummary summary)
    {
        var body = summary.ToResponse();
        if (summary.NothingLandedClusterUnavailable)
        {
            return TypedResults.Problem(
                "The cluster or its storage did not answer, so no line was applied; re-send the file shortly (imports are idempotent).",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable",
                extensions: body.ToDictionary(p => p.Key, p => (object?)p.Value));
        }

        if (summary.FormatError is not { } error)
        {
            return TypedResults.Ok(body);
        }

        return TypedResults.Problem(error, statusCode: StatusCodes.Status400BadRequest, title: "The import body could not be read",
            extensions: body.ToDictionary(p => p.Key, p => (object?)p.Value));
    }
}
