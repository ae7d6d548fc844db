using Collections.Domain.Accounts;

namespace Collections.Benchmarks.Ceiling;

/// <summary>
/// The ceiling of issue 19: the least an account can be on this runtime and store — a grain that keeps the
/// record it was sent as its state (one grain-storage write) and registers one reminder a month ahead. Lives
/// in the benchmark, hosted by <see cref="CeilingSilo"/>, never in the product.
/// </summary>
public interface ICeilingGrain : IGrainWithStringKey
{
    Task UpsertAsync(AccountRecord record);
}

[GenerateSerializer, Alias("benchmark.CeilingState")]
public sealed class CeilingState
{
    [Id(0)]
    public AccountRecord? Record { get; set; }
}

public sealed class CeilingGrain([PersistentState("account", CeilingSilo.Storage)] IPersistentState<CeilingState> account) : Grain, ICeilingGrain, IRemindable
{
    /// <summary>The product's wake retry period (Collections:Wake:RetryPeriod's default).</summary>
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    public async Task UpsertAsync(AccountRecord record)
    {
        account.State.Record = record;
        await account.WriteStateAsync();
        await this.RegisterOrUpdateReminder("wake", TimeSpan.FromDays(30), Period);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
