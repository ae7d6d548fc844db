using System.Globalization;
using Collections.Benchmarks.Infrastructure;

namespace Collections.Benchmarks.Measurement;

/// <summary>
/// The host's .NET runtime counters, read from its <c>/metrics</c> (OpenTelemetry's runtime instrumentation)
/// before and after a scenario: what the scenario allocated, how long the GC stopped the host and how often,
/// and how many work items the thread pool ran. Allocation per operation hardly depends on the machine's
/// load, so it tells two builds apart where CPU seconds (±15–40 % from run to run here) cannot.
/// </summary>
public sealed record RuntimeCounters(double Allocated, double PauseSeconds, double Gen0, double Gen1, double Gen2, double WorkItems, double Contentions)
{
    /// <summary>The counters now; null for a process that serves no <c>/metrics</c> (the ceiling's silo).</summary>
    public static async Task<RuntimeCounters?> ReadAsync(HostUnderTest host, CancellationToken cancellationToken)
    {
        if (!host.ServesHttp)
        {
            return null;
        }

        var samples = await PrometheusText.ScrapeAsync(host.Http, cancellationToken);
        double Sum(string name, string? label = null) => PrometheusText.Sum(samples, name, label);

        return new(
            Sum("dotnet_gc_heap_total_allocated_bytes_total"),
            Sum("dotnet_gc_pause_time_seconds_total"),
            Sum("dotnet_gc_collections_total", "\"gen0\""),
            Sum("dotnet_gc_collections_total", "\"gen1\""),
            Sum("dotnet_gc_collections_total", "\"gen2\""),
            Sum("dotnet_thread_pool_work_item_count_total"),
            Sum("dotnet_monitor_lock_contentions_total"));
    }

    /// <summary>What happened since <paramref name="before"/>, per operation of <paramref name="count"/> in <paramref name="elapsed"/>.</summary>
    public RuntimeCost Since(RuntimeCounters before, int count, TimeSpan elapsed) => new(
        (Allocated - before.Allocated) / count,
        (PauseSeconds - before.PauseSeconds) * 1000 / count,
        (PauseSeconds - before.PauseSeconds) / elapsed.TotalSeconds,
        (long)(Gen0 - before.Gen0),
        (long)(Gen1 - before.Gen1),
        (long)(Gen2 - before.Gen2),
        (WorkItems - before.WorkItems) / count,
        (Contentions - before.Contentions) / count);
}

/// <summary>The host's runtime cost of a scenario, per operation (an account onboarded, a request served).</summary>
public sealed record RuntimeCost(
    double AllocatedBytes, double GcPauseMs, double GcPauseShare, long Gen0, long Gen1, long Gen2, double WorkItems, double LockContentions)
{
    /// <summary>"131 KB allocated; GC paused 0.21 ms (16 % of the time; 120 / 30 / 2 collections gen0 / gen1 / gen2); 45 thread-pool work items; 0.3 lock contentions".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{AllocatedBytes / 1024:0.0} KB allocated; GC paused {GcPauseMs:0.000} ms ({GcPauseShare * 100:0.0} % of the time; {Gen0:N0} / {Gen1:N0} / {Gen2:N0} collections gen0 / gen1 / gen2); {WorkItems:0.0} thread-pool work items; {LockContentions:0.00} lock contentions");
}
