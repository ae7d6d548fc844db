using Collections.Contracts;
using Orleans.Concurrency;

namespace Collections.Grains.Portfolio;

[StatelessWorker]
public sealed class PortfolioGrain(IPortfolioStore store) : Grain, IPortfolioGrain
{
    public async Task<Dictionary<string, long>> GetCountersAsync() =>
        new(await store.ReadCountersAsync(this.GetPrimaryKeyString()));
}
