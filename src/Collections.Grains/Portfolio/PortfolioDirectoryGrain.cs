using Collections.Contracts;
using Orleans.Concurrency;

namespace Collections.Grains.Portfolio;

[StatelessWorker]
public sealed class PortfolioDirectoryGrain(IPortfolioStore store) : Grain, IPortfolioDirectoryGrain
{
    public async Task<List<string>> GetLendersAsync() => [.. await store.ListLendersAsync()];
}
