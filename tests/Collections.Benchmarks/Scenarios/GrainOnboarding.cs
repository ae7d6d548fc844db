using System.Diagnostics;
using Collections.Benchmarks.Infrastructure;
using Collections.Benchmarks.Measurement;
using Collections.Benchmarks.Workload;
using Collections.Contracts;
using Collections.Domain.Accounts;

namespace Collections.Benchmarks.Scenarios;

public sealed record OnboardingResult(
    string Path, int Accounts, TimeSpan Elapsed, Summary Batches, Summary? Calls, long PeakRss, long RssAfter,
    long Failed, IReadOnlyDictionary<string, long> Outcomes, long RedisUsed = 0, long RedisRss = 0)
{
    /// <summary>CPU seconds used during the scenario by the host, Redis and the load generator (this process).</summary>
    public double[] Cpu { get; init; } = [];

    /// <summary>Redis commands, bytes and memory per account, when the scenario ran on Redis.</summary>
    public RedisCost? Redis { get; init; }

    /// <summary>The host's allocation, GC and thread-pool work per account, when the host serves <c>/metrics</c>.</summary>
    public RuntimeCost? Runtime { get; init; }

    public double Rate => Accounts / Elapsed.TotalSeconds;
}

/// <summary>
/// Scenario 1 (grain path): each account through <see cref="IAccountGrain.UpsertAsync"/> from an
/// Orleans client, i.e. activation, decision, atomic append of events and snapshot, wake reminder.
/// Batches of <c>batchSize</c> accounts are sent all at once and <c>parallelBatches</c> batches are
/// in flight, so at most batchSize × parallelBatches calls are outstanding. The ceiling scenario sends
/// the same records the same way to its minimal grain instead (the <c>call</c> argument).
/// </summary>
public static class GrainOnboarding
{
    public const string Actor = "benchmark";

    public static async Task<OnboardingResult> RunAsync(
        HostUnderTest host, Portfolio portfolio, int from, int count, int batchSize, int parallelBatches, string label, CancellationToken cancellationToken,
        string path = "grain", Func<IClusterClient, int, Task<UpsertOutcome>>? call = null)
    {
        call ??= (client, i) => client.GetGrain<IAccountGrain>(portfolio.Key(i)).UpsertAsync(portfolio.Record(i), Actor);
        var redisBefore = host.Redis is { } r ? await r.StatsAsync() : null;
        var runtimeBefore = await RuntimeCounters.ReadAsync(host, cancellationToken);
        var batches = new Latencies(count / batchSize + 1);
        var calls = new Latencies(count);
        var outcomes = new long[Enum.GetValues<UpsertOutcome>().Length];
        long failed = 0, done = 0;
        string? firstError = null;
        await using var rss = new RssSampler(host.Pid);
        var cpu = new CpuMeter(host.Pid, host.StorePid);
        var started = Stopwatch.GetTimestamp();
        using var progress = Progress.Every(TimeSpan.FromSeconds(5), () =>
        {
            var n = Interlocked.Read(ref done);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return $"{label}: {n:N0}/{count:N0} accounts, {n / elapsed:N0}/s, host RSS {Format.Bytes(rss.Last)}";
        });

        var batchStarts = Enumerable.Range(0, (count + batchSize - 1) / batchSize).Select(b => from + (b * batchSize));
        await Parallel.ForEachAsync(batchStarts, new ParallelOptions { MaxDegreeOfParallelism = parallelBatches, CancellationToken = cancellationToken }, async (first, ct) =>
        {
            var last = Math.Min(first + batchSize, from + count);
            var batchStart = Stopwatch.GetTimestamp();
            var tasks = new Task[last - first];
            for (var i = first; i < last; i++)
            {
                tasks[i - first] = One(i);
            }

            await Task.WhenAll(tasks);
            batches.AddSince(batchStart);
        });

        var elapsed = Stopwatch.GetElapsedTime(started);
        var (rssAfter, peak) = host.Memory();
        var (redisUsed, redisRss) = host.Redis is { } redis ? await redis.MemoryAsync() : (0, 0);
        var redisCost = host.Redis is { } after ? (await after.StatsAsync()).Since(redisBefore!, count) : null;
        var runtimeCost = runtimeBefore is null ? null : (await RuntimeCounters.ReadAsync(host, cancellationToken))!.Since(runtimeBefore, count, elapsed);
        if (firstError is not null)
        {
            Console.Error.WriteLine($"{label}: {failed:N0} calls failed; first: {firstError}");
        }

        return new OnboardingResult(
            path, count, elapsed, batches.Summarize(), calls.Summarize(), Math.Max(peak, rss.Max), rssAfter, failed,
            Enum.GetValues<UpsertOutcome>().ToDictionary(o => o.ToString(), o => outcomes[(int)o]), redisUsed, redisRss)
        {
            Cpu = cpu.Elapsed(),
            Redis = redisCost,
            Runtime = runtimeCost,
        };

        async Task One(int i)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                var outcome = await call(host.Client, i);
                Interlocked.Increment(ref outcomes[(int)outcome]);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, $"{ex.GetType().Name}: {ex.Message}", null);
            }

            calls.AddSince(start);
            Interlocked.Increment(ref done);
        }
    }
}
