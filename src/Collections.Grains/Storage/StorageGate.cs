using System.Diagnostics.Metrics;
using Collections.Grains.Telemetry;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Storage;

/// <summary>
/// Bounds the storage calls (log load and append, portfolio report, wake reminder) of all account grains
/// of a silo. Orleans delivers every due reminder tick at once: without a bound, a storm of 100,000
/// accounts due in the same minute puts 100,000 activation loads on the silo's one Redis connection,
/// replies pile up faster than a busy process reads them, every call passes the client's timeout and
/// the storm is retried whole a period later. Behind the gate the same storm is a queue drained at the
/// rate storage sustains; the waiting is in this process, where it costs a continuation, not a timeout.
/// </summary>
public sealed class StorageGate : IDisposable
{
    private readonly SemaphoreSlim slots;
    private int waiting;

    public StorageGate(IOptions<StorageOptions> options, IMeterFactory meterFactory)
    {
        slots = new(options.Value.MaxConcurrentOperations);
        meterFactory.Create(CollectionsMetrics.MeterName).CreateObservableGauge(
            "collections.storage.waiting", () => Waiting, "{call}", "Account storage calls of this silo waiting for a slot (a wake storm being drained)");
    }

    public void Dispose() => slots.Dispose();

    /// <summary>Calls waiting for a slot now.</summary>
    public int Waiting => Math.Max(0, Volatile.Read(ref waiting));

    public async Task<T> RunAsync<T>(Func<Task<T>> operation)
    {
        await EnterAsync();
        try
        {
            return await operation();
        }
        finally
        {
            slots.Release();
        }
    }

    public async Task RunAsync(Func<Task> operation)
    {
        await EnterAsync();
        try
        {
            await operation();
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task EnterAsync()
    {
        if (slots.Wait(0))
        {
            return;
        }

        Interlocked.Increment(ref waiting);
        try
        {
            await slots.WaitAsync();
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
    }
}
