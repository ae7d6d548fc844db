using System.Diagnostics;
using System.Globalization;
using Collections.Benchmarks.Infrastructure;
using Collections.Benchmarks.Measurement;
using Collections.Benchmarks.Reporting;
using Collections.Benchmarks.Workload;
using Collections.Contracts;

namespace Collections.Benchmarks.Scenarios;

/// <summary>One dashboard setting: onboarding, a burst of grain reads, an idle window, and what a viewer saw.</summary>
public sealed record DashboardVariant(
    string Name, OnboardingResult Onboarding, double ReadsPerSecond, double HostCpuPerReadMs, long ReadErrors,
    double IdleHostCpu, long IdleActivations, int ViewerPolls, Summary? ViewerLatency, int ViewerErrors);

public sealed record DashboardResult(int Accounts, TimeSpan ReadDuration, TimeSpan Idle, IReadOnlyList<DashboardVariant> Variants);

/// <summary>
/// Scenario 8 (issue 18): what the Orleans dashboard costs the silo, on a fresh store and host per setting —
/// off (<c>Collections:Dashboard:Enabled=false</c>), on with nobody looking, and on with a viewer: a client
/// that does what the dashboard's overview page in a browser does, <c>GET /dashboard/DashboardCounters</c>,
/// then <c>ClusterStats</c> and <c>TopGrainMethods</c>, again 1 s after the previous round ended. Each setting:
/// grain-path onboarding (rate, host CPU per account), then <c>IAccountGrain.GetViewAsync</c> of random
/// onboarded accounts from 256 concurrent callers for a fixed time (grain calls/s, host CPU per call), then
/// an idle window with the accounts still activated, after the reads have settled (host CPU, a share of one core). Off runs
/// first and again last; ratios are against the mean of the two, whose spread is the run's noise.
/// </summary>
public static class DashboardCost
{
    private const int Readers = 256;
    private static readonly string[] ViewerPaths = ["/dashboard/DashboardCounters", "/dashboard/ClusterStats", "/dashboard/TopGrainMethods"];

    public static async Task<DashboardResult> RunAsync(
        Func<string, IEnumerable<string>, Task<HostUnderTest>> freshHost, Func<string, Portfolio> portfolio, int accounts, TimeSpan readDuration, TimeSpan idle,
        int batchSize, int parallelBatches, CancellationToken cancellationToken)
    {
        var variants = new List<DashboardVariant>();
        foreach (var (name, enabled, viewed) in new[] { ("off", false, false), ("on, not viewed", true, false), ("on, viewed", true, true), ("off again", false, false) })
        {
            Log.Step($"8. Dashboard {name}: {accounts:N0} accounts, reads for {readDuration.TotalSeconds:0} s, idle {idle.TotalSeconds:0} s");
            await using var host = await freshHost($"dashboard-{variants.Count}", [$"--Collections:Dashboard:Enabled={(enabled ? "true" : "false")}"]);
            using var stopViewer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var viewerLatency = new Latencies(1024);
            var viewerErrors = 0;
            var viewer = viewed ? Task.Run(() => ViewAsync(host, viewerLatency, () => Interlocked.Increment(ref viewerErrors), stopViewer.Token), cancellationToken) : Task.CompletedTask;

            var workload = portfolio($"D{variants.Count}");
            var onboarding = await GrainOnboarding.RunAsync(host, workload, 0, accounts, batchSize, parallelBatches, $"dashboard/{name}", cancellationToken);
            var (reads, readCpu, readErrors) = await ReadAsync(host, workload, accounts, readDuration, cancellationToken);

            // The reads' tail (queued continuations, a GC) settles first, so that the window is the idle silo's own.
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, idle.TotalSeconds)), cancellationToken);
            var idleCpu = new CpuMeter(host.Pid);
            await Task.Delay(idle, cancellationToken);
            var idleShare = idleCpu.Elapsed()[0] / idle.TotalSeconds;
            var activations = await host.Client.GetGrain<IManagementGrain>(0).GetTotalActivationCount(cancellationToken);

            await stopViewer.CancelAsync();
            await viewer;
            var polls = viewerLatency.Count;
            variants.Add(new(name, onboarding, reads / readDuration.TotalSeconds, readCpu * 1000 / Math.Max(1, reads), readErrors,
                idleShare, activations, polls, viewed ? viewerLatency.Summarize() : null, viewerErrors));
            Log.Info($"dashboard {name}: onboarding {onboarding.Rate:N0}/s, reads {reads / readDuration.TotalSeconds:N0}/s, idle host CPU {idleShare * 100:0}% of a core" +
                (viewed ? $", {polls} viewer polls" : ""));
        }

        return new DashboardResult(accounts, readDuration, idle, variants);
    }

    /// <summary>The browser's overview page: its three requests in turn, then 1 s until the next round (the UI's pace).</summary>
    private static async Task ViewAsync(HostUnderTest host, Latencies counters, Action failed, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = host.Http, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var path in ViewerPaths)
                {
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancellationToken);
                        if (path == ViewerPaths[0])
                        {
                            counters.AddSince(start);
                        }

                        if (!response.IsSuccessStatusCode)
                        {
                            failed();
                        }
                    }
                    catch (HttpRequestException)
                    {
                        failed();
                    }
                }

                await Task.Delay(1000, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Grain calls from <see cref="Readers"/> concurrent callers for <paramref name="duration"/>: calls made, host CPU seconds, failures.</summary>
    private static async Task<(long Calls, double HostCpu, long Errors)> ReadAsync(
        HostUnderTest host, Portfolio portfolio, int accounts, TimeSpan duration, CancellationToken cancellationToken)
    {
        long calls = 0, errors = 0;
        var cpu = new CpuMeter(host.Pid);
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, Readers).Select(reader => Task.Run(async () =>
        {
            var random = new Random(reader);
            while (Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await host.Client.GetGrain<IAccountGrain>(portfolio.Key(random.Next(accounts))).GetViewAsync();
                    Interlocked.Increment(ref calls);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }, cancellationToken)));
        return (calls, cpu.Elapsed()[0], errors);
    }

    public static IEnumerable<Row> Rows(DashboardResult result)
    {
        const string s = "8. Orleans dashboard cost";
        var offs = result.Variants.Where(v => v.Name.StartsWith("off", StringComparison.Ordinal)).ToList();
        var (offRate, offCpu) = (offs.Average(v => v.Onboarding.Rate), offs.Average(v => HostCpuMs(v.Onboarding)));
        var (offReads, offReadCpu, offIdle) = (offs.Average(v => v.ReadsPerSecond), offs.Average(v => v.HostCpuPerReadMs), offs.Average(v => v.IdleHostCpu));
        foreach (var v in result.Variants)
        {
            var viewer = v.ViewerLatency is { } l ? $"; viewer: {v.ViewerPolls} rounds, DashboardCounters p50 / p99 {Format.Ms(l.P50)} / {Format.Ms(l.P99)}{(v.ViewerErrors > 0 ? $", {v.ViewerErrors} errors" : "")}" : "";
            yield return new(s, $"{v.Name}: onboarding {Format.Count(result.Accounts)} accounts, accounts/s and host CPU per account{viewer}",
                string.Create(CultureInfo.InvariantCulture, $"{Format.Rate(v.Onboarding.Rate)}, {HostCpuMs(v.Onboarding):0.00} ms"),
                Ratio: $"rate {Format.Factor(v.Onboarding.Rate / offRate)}, CPU {Format.Factor(HostCpuMs(v.Onboarding) / offCpu)}");
            yield return new(s, $"{v.Name}: GetViewAsync from {Readers} callers for {result.ReadDuration.TotalSeconds:0} s, grain calls/s and host CPU per call{(v.ReadErrors > 0 ? $"; {Format.Count(v.ReadErrors)} failed" : "")}",
                string.Create(CultureInfo.InvariantCulture, $"{Format.Rate(v.ReadsPerSecond)}, {v.HostCpuPerReadMs:0.000} ms"),
                Ratio: $"rate {Format.Factor(v.ReadsPerSecond / offReads)}, CPU {Format.Factor(v.HostCpuPerReadMs / offReadCpu)}");
            yield return new(s, $"{v.Name}: idle host CPU for {result.Idle.TotalSeconds:0} s with {Format.Count(v.IdleActivations)} activations",
                string.Create(CultureInfo.InvariantCulture, $"{v.IdleHostCpu * 100:0.0}% of a core"),
                Ratio: string.Create(CultureInfo.InvariantCulture, $"{(v.IdleHostCpu - offIdle) * 100:+0.0;-0.0;0.0} points"));
        }
    }

    private static double HostCpuMs(OnboardingResult r) => r.Cpu.Length >= 1 ? r.Cpu[0] * 1000 / r.Accounts : double.NaN;
}
