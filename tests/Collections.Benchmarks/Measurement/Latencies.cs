using System.Diagnostics;

namespace Collections.Benchmarks.Measurement;

/// <summary>
/// Every sample of a latency (no sampling, no histogram buckets): exact percentiles by sorting at the
/// end. A million samples cost 8 MB. Thread-safe.
/// </summary>
public sealed class Latencies(int capacity)
{
    private readonly Lock gate = new();
    private long[] samples = new long[Math.Max(capacity, 16)];
    private int count;

    public int Count
    {
        get
        {
            lock (gate)
            {
                return count;
            }
        }
    }

    /// <summary>Adds one sample in <see cref="Stopwatch"/> ticks.</summary>
    public void Add(long ticks)
    {
        lock (gate)
        {
            if (count == samples.Length)
            {
                Array.Resize(ref samples, samples.Length * 2);
            }

            samples[count++] = ticks;
        }
    }

    public void AddSince(long startTimestamp) => Add(Stopwatch.GetTimestamp() - startTimestamp);

    public Summary Summarize()
    {
        long[] sorted;
        lock (gate)
        {
            sorted = samples.AsSpan(0, count).ToArray();
        }

        var n = sorted.Length;
        Array.Sort(sorted);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double At(double q) => n == 0 ? double.NaN : Ms(sorted[Math.Clamp((int)Math.Ceiling(q * n) - 1, 0, n - 1)]);
        return new Summary(n, At(0.5), At(0.99), At(0.999), n == 0 ? double.NaN : Ms(sorted[^1]), n == 0 ? double.NaN : sorted.Average(Ms));
    }
}

/// <summary>Percentiles in milliseconds.</summary>
public sealed record Summary(int Count, double P50, double P99, double P999, double Max, double Mean);

/// <summary>Percentiles of plain values (seconds, ms…), for distributions computed after the fact.</summary>
public static class Percentiles
{
    public static Summary Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var n = sorted.Length;
        double At(double q) => n == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * n) - 1, 0, n - 1)];
        return new Summary(n, At(0.5), At(0.99), At(0.999), n == 0 ? double.NaN : sorted[^1], n == 0 ? double.NaN : sorted.Average());
    }
}
