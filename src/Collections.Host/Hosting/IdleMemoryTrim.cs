using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Collections.Host.Hosting;

/// <summary><c>Collections:Memory</c>: when a quiet silo compacts its heap and gives the memory back.</summary>
public sealed class MemoryTrimOptions
{
    public const string Section = "Collections:Memory";

    /// <summary>Off only to measure the runtime's own behaviour.</summary>
    public bool IdleTrim { get; set; } = true;

    /// <summary>How often the silo looks at its allocation rate and resident memory.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "Collections:Memory:CheckInterval must be between 00:00:00.001 and 1.00:00:00.")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Allocated in one interval below this, the silo counts as quiet.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Collections:Memory:QuietAllocationBytes must be positive.")]
    public long QuietAllocationBytes { get; set; } = 64L << 20;

    /// <summary>Resident memory must have grown this much since the last trim for another one to be worth its pause.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Collections:Memory:GrowthBytes must be positive.")]
    public long GrowthBytes { get; set; } = 128L << 20;
}


/// <summary>
/// Gives memory back after a burst. Collected activations are garbage, but an idle silo allocates too
/// little for the GC to run, and Server GC keeps what it has committed: after an import of a few hundred
/// thousand accounts whose grains were then collected, resident memory stayed at the peak (BENCHMARKS.md,
/// finding 3). Once the silo has been quiet for an interval and has grown since the last trim, one
/// aggressive, compacting collection returns the free memory to the OS. A quiet silo can afford the pause.
/// </summary>
public sealed partial class IdleMemoryTrim(IOptions<MemoryTrimOptions> options, ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    /// <summary>Whether a silo that allocated <paramref name="allocated"/> in the last interval, at <paramref name="resident"/> bytes, should compact now.</summary>
    public static bool ShouldTrim(long allocated, long resident, long residentAfterLastTrim, MemoryTrimOptions options) =>
        allocated < options.QuietAllocationBytes && resident - residentAfterLastTrim >= options.GrowthBytes;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.IdleTrim)
        {
            return;
        }

        var baseline = Environment.WorkingSet;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        using var timer = new PeriodicTimer(settings.CheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var allocated = GC.GetTotalAllocatedBytes();
            var resident = Environment.WorkingSet;
            if (ShouldTrim(allocated - allocatedBefore, resident, baseline, settings))
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                baseline = Environment.WorkingSet;
                LogTrimmed(logger, resident >> 20, baseline >> 20);
                allocated = GC.GetTotalAllocatedBytes();
            }

            // A silo that keeps shrinking (activations collected bit by bit) is measured from its low point.
            baseline = Math.Min(baseline, Environment.WorkingSet);
            allocatedBefore = allocated;
        }
    }

    [LoggerMessage(EventId = 3041, Level = LogLevel.Information, Message = "Silo quiet at {BeforeMiB} MiB resident; compacted the heap and returned memory: {AfterMiB} MiB")]
    private static partial void LogTrimmed(ILogger logger, long beforeMiB, long afterMiB);
}
