using System.Diagnostics;
using Collections.Benchmarks.Infrastructure;
using Collections.Benchmarks.Measurement;

namespace Collections.Benchmarks.Scenarios;

/// <summary>How idle activations are made to go away before memory at rest is measured.</summary>
public enum CollectionMode
{
    /// <summary>
    /// <c>IManagementGrain.ForceActivationCollection(1 s)</c>: what the silo's own collector does once an
    /// activation has been idle for its collection age, done now. The host has no configuration key
    /// for <c>GrainCollectionOptions.CollectionAge</c> (Orleans' default 15 min).
    /// </summary>
    Force,

    /// <summary>Wait for Orleans' own idle collection (15 min collection age + 1 min quantum).</summary>
    Wait,
}

public sealed record RestResult(
    int Accounts, long RssLoaded, int ActivationsLoaded, CollectionMode Mode, TimeSpan CollectionTook, int ActivationsAfter,
    long RssAfterCollection, TimeSpan Rest, long RssAtRest, long RssMaxDuringRest, long RssAfterGc, long RedisUsed, long RedisRss,
    double IdleCpuLoaded, double IdleCpuAtRest);

/// <summary>
/// Scenario 3: the portfolio onboarded, then idle. Activations are collected (see <see cref="CollectionMode"/>),
/// the host is left alone for the rest window (long enough for a reminder-table refresh, every 5 min by
/// default, in a full run) while its RSS is sampled; then a full GC is induced through
/// <c>IManagementGrain.ForceGarbageCollection</c> to show what remains live.
/// </summary>
public static class MemoryAtRest
{
    public static async Task<RestResult> RunAsync(HostUnderTest host, int accounts, CollectionMode mode, TimeSpan rest, bool quick, CancellationToken cancellationToken)
    {
        var management = host.Client.GetGrain<IManagementGrain>(0);
        var rssLoaded = host.Memory().Rss;
        var loaded = await management.GetTotalActivationCount(cancellationToken);

        // The host's CPU while nothing is asked of it but every onboarded account is still activated: what
        // the silo spends per second on a large active set by itself (collectors, metrics, timers).
        var window = TimeSpan.FromSeconds(quick ? 3 : 10);
        var idle = new CpuMeter(host.Pid);
        await Task.Delay(window, cancellationToken);
        var idleCpuLoaded = idle.Elapsed()[0] / window.TotalSeconds;
        Log.Info($"memory at rest: idle host CPU with {loaded:N0} activations: {idleCpuLoaded:P0} of a core");
        Log.Info($"memory at rest: {loaded:N0} activations, host RSS {Format.Bytes(rssLoaded)} after onboarding; collecting ({mode})");
        var threshold = Math.Max(200, accounts / 100);
        var started = Stopwatch.GetTimestamp();
        if (mode == CollectionMode.Force)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            await management.ForceActivationCollection(TimeSpan.FromSeconds(1), cancellationToken);
        }

        var deadline = mode == CollectionMode.Force ? TimeSpan.FromMinutes(5) : TimeSpan.FromMinutes(25);
        int activations;
        while ((activations = await management.GetTotalActivationCount(cancellationToken)) > threshold && Stopwatch.GetElapsedTime(started) < deadline)
        {
            await Task.Delay(mode == CollectionMode.Force ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(15), cancellationToken);
            if (mode == CollectionMode.Wait)
            {
                Log.Info($"memory at rest: waiting for idle collection, {activations:N0} activations, host RSS {Format.Bytes(host.Memory().Rss)}");
            }
        }

        var took = Stopwatch.GetElapsedTime(started);
        await Task.Delay(TimeSpan.FromSeconds(quick ? 2 : 5), cancellationToken);
        var rssAfterCollection = host.Memory().Rss;
        Log.Info($"memory at rest: {activations:N0} activations after {took.TotalSeconds:0} s, host RSS {Format.Bytes(rssAfterCollection)}; idle for {rest.TotalSeconds:0} s");
        long atRest, maxDuringRest;
        var restCpu = new CpuMeter(host.Pid);
        await using (var sampler = new RssSampler(host.Pid, TimeSpan.FromSeconds(1)))
        {
            using var progress = Progress.Every(TimeSpan.FromSeconds(30), () => $"memory at rest: host RSS {Format.Bytes(sampler.Last)} (max {Format.Bytes(sampler.Max)})");
            await Task.Delay(rest, cancellationToken);
            atRest = host.Memory().Rss;
            maxDuringRest = Math.Max(sampler.Max, atRest);
        }

        var idleCpuAtRest = restCpu.Elapsed()[0] / rest.TotalSeconds;

        var silos = (await management.GetHosts(onlyActive: true, cancellationToken)).Keys.ToArray();
        await management.ForceGarbageCollection(silos, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(quick ? 2 : 3), cancellationToken);
        var rssAfterGc = host.Memory().Rss;
        var after = await management.GetTotalActivationCount(cancellationToken);
        var (redisUsed, redisRss) = host.Redis is { } redis ? await redis.MemoryAsync() : (0, 0);
        return new RestResult(accounts, rssLoaded, loaded, mode, took, after, rssAfterCollection, rest, atRest, maxDuringRest, rssAfterGc, redisUsed, redisRss, idleCpuLoaded, idleCpuAtRest);
    }
}
