using System.Collections.Concurrent;
using System.Diagnostics;
using Collections.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Collections.Cluster.Tests;

/// <summary>Runs only when asked: <c>COLLECTIONS_BENCHMARK=1 dotnet test tests/Collections.Cluster.Tests --filter ImportBenchmark</c>.</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("COLLECTIONS_BENCHMARK") != "1")
        {
            Skip = "A measurement, not a check: set COLLECTIONS_BENCHMARK=1 to run it (about two minutes).";
        }
    }
}

/// <summary>Import throughput through the HTTP API on one silo and on three, on the same Redis setup as production.</summary>
public sealed class ImportBenchmark(ITestOutputHelper output)
{
    private const int AccountCount = 20_000;
    private const int BatchSize = 500;
    private const int Senders = 3;

    [BenchmarkFact]
    public async Task Import_throughput_on_one_and_on_three_silos()
    {
        foreach (var silos in new[] { 1, 3 })
        {
            // Real-time clock: the import itself is measured, not a storm of escalations behind it.
            await using var cluster = await LocalCluster.StartAsync(silos, clockSpeed: 1, output);
            var today = DateOnly.FromDateTime((await LocalCluster.BusinessNowAsync(cluster.Silos[0])).UtcDateTime);
            var batches = new ConcurrentQueue<int[]>(Enumerable.Range(0, AccountCount).Chunk(BatchSize));
            long created = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Senders).Select(async sender =>
            {
                while (batches.TryDequeue(out var batch))
                {
                    var result = await Accounts.TryImportAsync(cluster.Silos[sender % silos].Http, Accounts.Body(batch, today));
                    Assert.NotNull(result);
                    Assert.Equal(0, result.Rejected);
                    Interlocked.Add(ref created, result.Created);
                }
            }));
            clock.Stop();
            Assert.Equal(AccountCount, created);
            output.WriteLine($"{silos} silo(s): {AccountCount} accounts in {clock.Elapsed.TotalSeconds:F1} s = {AccountCount / clock.Elapsed.TotalSeconds:F0} accounts/s " +
                $"({Senders} concurrent requests of {BatchSize} lines, {Environment.ProcessorCount} cores shared by Redis, the silos and this test; load average {LoadAverage()})");
        }
    }

    /// <summary>The machine's 1-minute load average, to tell a quiet measurement from a contended one.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
}
