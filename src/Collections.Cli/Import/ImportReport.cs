using Collections.Cli.Api;

namespace Collections.Cli.Import;

/// <summary>A rejected line, numbered as in the file.</summary>
public sealed record ImportError(long Line, string? AccountRef, string Error);

/// <summary>Why an import stopped before its end: the API's problem, or a sentence (network, interruption).</summary>
public sealed record ImportFailure(ImportChunk Chunk, string Message, ApiProblem? Problem = null, Uri? Url = null);

/// <summary>The sum of every chunk's summary, the first rejected lines, and how far the file got.</summary>
public sealed class ImportReport
{
    /// <summary>The counters the API returns, in the order it returns them, with any it adds later.</summary>
    public static readonly IReadOnlyList<string> KnownCounters = ["received", "created", "updated", "unchanged", "rejected"];

    private readonly List<string> counterNames = [.. KnownCounters];
    private readonly Dictionary<string, long> counts = new(StringComparer.Ordinal);
    private readonly List<ImportError> errors = [];

    public ImportReport(int maxListedErrors) => MaxListedErrors = maxListedErrors;

    public int MaxListedErrors { get; }

    public IReadOnlyList<string> CounterNames => counterNames;

    /// <summary>The first rejected lines, in file order (at most <see cref="MaxListedErrors"/>).</summary>
    public IReadOnlyList<ImportError> Errors => errors;

    /// <summary>Rejected lines counted but not in <see cref="Errors"/>.</summary>
    public long UnlistedErrors => Math.Max(0, Count("rejected") - errors.Count);

    public int ChunksConfirmed { get; private set; }

    /// <summary>The last file line whose request the API answered (0 when none).</summary>
    public long ConfirmedThroughLine { get; private set; }

    public ImportFailure? Failure { get; internal set; }

    public bool Cancelled { get; internal set; }

    public TimeSpan Elapsed { get; internal set; }

    public long Count(string counter) => counts.GetValueOrDefault(counter);

    internal void Add(string counter, long value)
    {
        if (!counterNames.Contains(counter))
        {
            counterNames.Add(counter);
        }

        counts[counter] = Count(counter) + value;
    }

    /// <summary>Keeps the error if the list is not full; true when it was kept.</summary>
    internal bool Offer(ImportError error)
    {
        if (errors.Count >= MaxListedErrors)
        {
            return false;
        }

        errors.Add(error);
        return true;
    }

    internal void Confirm(ImportChunk chunk)
    {
        ChunksConfirmed++;
        ConfirmedThroughLine = Math.Max(ConfirmedThroughLine, chunk.LastLine);
    }
}
