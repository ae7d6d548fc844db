using System.Diagnostics.Metrics;
using Collections.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Tests;

public sealed class StorageGateTests
{
    [Fact]
    public async Task Never_has_more_calls_in_flight_than_its_slots_and_runs_every_one()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var gate = new StorageGate(Options.Create(new StorageOptions { MaxConcurrentOperations = 3 }), services.GetRequiredService<IMeterFactory>());
        var inFlight = 0;
        var maxInFlight = 0;
        var release = new TaskCompletionSource();

        var calls = Enumerable.Range(0, 20).Select(i => gate.RunAsync(async () =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await release.Task;
            Interlocked.Decrement(ref inFlight);
            return i;
        })).ToList();

        Assert.Equal(3, Volatile.Read(ref inFlight));
        Assert.Equal(17, gate.Waiting);

        release.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 20), results);
        Assert.Equal(3, maxInFlight);
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task A_failing_call_gives_its_slot_back()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var gate = new StorageGate(Options.Create(new StorageOptions { MaxConcurrentOperations = 1 }), services.GetRequiredService<IMeterFactory>());

        await Assert.ThrowsAsync<InvalidOperationException>(() => gate.RunAsync(() => Task.FromException(new InvalidOperationException("Redis is down"))));

        Assert.Equal(7, await gate.RunAsync(() => Task.FromResult(7)));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
