using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Collections.Cli.Api;

namespace Collections.Cli.Import;

/// <summary>What to import, and how.</summary>
/// <param name="Path">The file.</param>
/// <param name="Format">CSV or NDJSON.</param>
/// <param name="LenderId">The lender whose accounts these are.</param>
/// <param name="ChunkRows">Rows per request; 0 sends the whole file as one request.</param>
/// <param name="MaxListedErrors">How many rejected lines to keep for the summary.</param>
/// <param name="RejectsPath">When given, every rejected line is written there as CSV (line,accountRef,error).</param>
public sealed record ImportRequest(string Path, ImportFormat Format, string LenderId, long ChunkRows, int MaxListedErrors, string? RejectsPath = null);

/// <summary>Told how an import advances; the command draws its progress bar from it.</summary>
public interface IImportObserver
{
    /// <summary>A chunk's request is about to be sent.</summary>
    void Sending(ImportChunk chunk);

    /// <summary>How many bytes of the file have been sent so far.</summary>
    void Advanced(long fileBytes);

    /// <summary>The API answered a chunk.</summary>
    void Answered(ImportChunk chunk, ImportReport report);
}

/// <summary>
/// Sends an import file to <c>POST /api/v1/lenders/{lenderId}/accounts/import</c> chunk by chunk, one
/// request at a time, so that a later line of the same account still lands after an earlier one, and
/// maps the line numbers in each answer back to the file's own.
/// </summary>
public sealed class ImportRunner(ApiClient api)
{
    public const long DefaultChunkRows = 50_000;

    public async Task<ImportReport> RunAsync(ImportRequest request, IImportObserver? observer, CancellationToken cancellationToken)
    {
        var report = new ImportReport(request.MaxListedErrors);
        var clock = Stopwatch.StartNew();
        await using var rejects = request.RejectsPath is null ? null : new StreamWriter(request.RejectsPath, append: false);
        if (rejects is not null)
        {
            await rejects.WriteLineAsync("line,accountRef,error");
        }

        Stream Open() => new FileStream(request.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);

        await using (var scan = new FileStream(request.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan))
        {
            var planner = ChunkPlanner.Open(scan, request.Format);
            var path = $"api/v1/lenders/{ApiClient.Segment(request.LenderId)}/accounts/import";
            foreach (var chunk in planner.Chunks(request.ChunkRows))
            {
                observer?.Sending(chunk);
                using var content = new ChunkContent(Open, planner.Header, chunk, request.Format, sent => observer?.Advanced(chunk.Offset + sent));
                using var message = new HttpRequestMessage(HttpMethod.Post, api.Url(path)) { Content = content };
                try
                {
                    using var response = await api.SendAsync(message, timeout: null, cancellationToken);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        await AddAsync(report, chunk, await api.ReadJsonAsync(response, message, cancellationToken), rejects, cancellationToken);
                        report.Confirm(chunk);
                        observer?.Advanced(chunk.Offset + chunk.Length);
                        observer?.Answered(chunk, report);
                        continue;
                    }

                    var problem = await ApiProblem.ReadAsync(response, cancellationToken);
                    if (problem.Body is { } body && body.TryGetProperty("received", out _))
                    {
                        // The body stopped being readable part-way: what was read before still landed.
                        await AddAsync(report, chunk, body, rejects, cancellationToken);
                    }

                    report.Failure = new ImportFailure(chunk, problem.Detail ?? problem.Title, problem, message.RequestUri);
                }
                catch (CliException ex)
                {
                    report.Failure = new ImportFailure(chunk, ex.Message);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    report.Cancelled = true;
                    report.Failure = new ImportFailure(chunk, "Interrupted.");
                }

                break;
            }
        }

        report.Elapsed = clock.Elapsed;
        return report;
    }

    private static async Task AddAsync(ImportReport report, ImportChunk chunk, JsonElement summary, StreamWriter? rejects, CancellationToken cancellationToken)
    {
        if (summary.ValueKind != JsonValueKind.Object)
        {
            throw new CliException("The import answered with a summary that is not a JSON object; does --url point at the Collections API?");
        }

        foreach (var property in summary.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Number && property.Name != "errorsOmitted" && property.Name != "status"
                && property.Value.TryGetInt64(out var value))
            {
                report.Add(property.Name, value);
            }
        }

        if (!summary.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var item in errors.EnumerateArray())
        {
            var requestLine = item.TryGetProperty("line", out var l) && l.ValueKind == JsonValueKind.Number && l.TryGetInt64(out var n) ? n : 0;
            var accountRef = item.TryGetProperty("accountRef", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var text = item.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : item.GetRawText();
            var error = new ImportError(chunk.FileLine(requestLine), accountRef, text);
            report.Offer(error);
            if (rejects is not null)
            {
                await rejects.WriteLineAsync(string.Join(',', error.Line.ToString(CultureInfo.InvariantCulture), Csv(error.AccountRef), Csv(error.Error)).AsMemory(), cancellationToken);
            }
        }
    }

    private static string Csv(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
