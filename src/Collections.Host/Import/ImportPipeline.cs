using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Collections.Host.Import;

/// <summary>What became of one line: an outcome to count (e.g. <c>created</c>), or the reason it was rejected.</summary>
public readonly record struct LineOutcome(string? Outcome, string? Error, bool Unavailable = false)
{
    public static LineOutcome Counted(string outcome) => new(outcome, null);

    public static LineOutcome Rejected(string error) => new(null, error);
}

public sealed record ImportError(long Line, string? AccountRef, string Error);

/// <summary>The response of an import: counts by outcome, and every rejected line (up to a cap).</summary>
public sealed class ImportSummary(IReadOnlyList<string> outcomes)
{
    /// <summary>Errors listed in a response; past this the rest are counted in <c>errorsOmitted</c>.</summary>
    public const int MaxListedErrors = 10_000;

    private readonly ConcurrentDictionary<string, long> counts = new(outcomes.Select(o => KeyValuePair.Create(o, 0L)));
    private readonly ConcurrentBag<ImportError> errors = [];
    private long received;
    private long rejected;
    private long unavailable;

    public long Received => Interlocked.Read(ref received);

    /// <summary>Why the body stopped being readable part-way (the lines before it were applied).</summary>
    public string? FormatError { get; internal set; }

    public long Rejected => Interlocked.Read(ref rejected);

    /// <summary>True when nothing landed because the cluster or its storage did not answer: worth a 503, not a 200.</summary>
    public bool NothingLandedClusterUnavailable => Received > 0 && Interlocked.Read(ref unavailable) == Received;

    public long Count(string outcome) => counts.GetValueOrDefault(outcome);

    internal void Add(ImportLine line, LineOutcome outcome)
    {
        Interlocked.Increment(ref received);
        if (outcome.Error is { } error)
        {
            Interlocked.Increment(ref rejected);
            if (outcome.Unavailable)
            {
                Interlocked.Increment(ref unavailable);
            }

            errors.Add(new ImportError(line.Line, line.Field("accountRef"), error));
        }
        else
        {
            counts.AddOrUpdate(outcome.Outcome!, 1, (_, n) => n + 1);
        }
    }

    /// <summary>The JSON body: <c>{"received":n, "&lt;outcome&gt;":n…, "rejected":n, "errors":[…]}</c>.</summary>
    public Dictionary<string, object> ToResponse()
    {
        var body = new Dictionary<string, object> { ["received"] = Received };
        foreach (var outcome in outcomes)
        {
            body[outcome] = Count(outcome);
        }

        body["rejected"] = Rejected;
        var ordered = errors.OrderBy(e => e.Line).ToList();
        body["errors"] = ordered.Take(MaxListedErrors).ToList();
        if (ordered.Count > MaxListedErrors)
        {
            body["errorsOmitted"] = ordered.Count - MaxListedErrors;
        }

        return body;
    }
}

/// <summary>
/// Applies a stream of lines with bounded parallelism. Lines are partitioned by account reference so
/// that two lines of the same account are applied in file order (the later one wins), while different
/// accounts proceed in parallel. Channels are bounded, so a slow cluster slows the reading of the body
/// instead of buffering it.
/// </summary>
public static class ImportPipeline
{
    private const int Partitions = 64;
    private const int PartitionCapacity = 128;

    public static async Task<ImportSummary> RunAsync(
        IAsyncEnumerable<ImportLine> lines,
        IReadOnlyList<string> outcomes,
        Func<ImportLine, Task<LineOutcome>> apply,
        Action<string> observe,
        CancellationToken cancellationToken)
    {
        var summary = new ImportSummary(outcomes);
        var channels = Enumerable.Range(0, Partitions)
            .Select(_ => Channel.CreateBounded<ImportLine>(new BoundedChannelOptions(PartitionCapacity) { SingleReader = true, SingleWriter = true }))
            .ToArray();
        var workers = channels.Select(channel => Task.Run(async () =>
        {
            await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken))
            {
                var outcome = line.Fields is null ? LineOutcome.Rejected(line.Error ?? "the line could not be read") : await ApplySafely(line);
                summary.Add(line, outcome);
                observe(outcome.Outcome ?? "rejected");
            }
        }, cancellationToken)).ToArray();

        try
        {
            await foreach (var line in lines.WithCancellation(cancellationToken))
            {
                var key = line.Field("accountRef") ?? line.Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var partition = (int)(unchecked((uint)StringComparer.Ordinal.GetHashCode(key)) % Partitions);
                await channels[partition].Writer.WriteAsync(line, cancellationToken);
            }
        }
        catch (ImportFormatException ex)
        {
            summary.FormatError = ex.Message;
        }
        finally
        {
            foreach (var channel in channels)
            {
                channel.Writer.TryComplete();
            }

            await Task.WhenAll(workers);
        }

        return summary;

        async Task<LineOutcome> ApplySafely(ImportLine line)
        {
            try
            {
                return await apply(line);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new LineOutcome(null, $"not applied, the cluster did not complete it ({ex.GetType().Name}); re-send the line, imports are idempotent",
                    Unavailable: Hosting.Unavailability.IsTransient(ex));
            }
        }
    }
}
