using Collections.Host.Hosting;

namespace Collections.Host.Tests;

public sealed class IdleMemoryTrimTests
{
    private static readonly MemoryTrimOptions Options = new() { QuietAllocationBytes = 64L << 20, GrowthBytes = 128L << 20 };

    [Theory]
    [InlineData(1L << 20, 900L << 20, 300L << 20, true)] // quiet, grew 600 MiB since the last trim
    [InlineData(500L << 20, 900L << 20, 300L << 20, false)] // busy: the GC runs by itself
    [InlineData(1L << 20, 350L << 20, 300L << 20, false)] // quiet, but grew too little to pay for a pause
    public void Compacts_only_a_quiet_silo_that_grew_since_the_last_trim(long allocated, long resident, long afterLastTrim, bool expected) =>
        Assert.Equal(expected, IdleMemoryTrim.ShouldTrim(allocated, resident, afterLastTrim, Options));
}
