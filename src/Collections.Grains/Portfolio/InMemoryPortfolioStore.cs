using System.Collections.Concurrent;
using Collections.Domain.Portfolio;

namespace Collections.Grains.Portfolio;

/// <summary>The embedded default's portfolio store: the process's memory, shared by its silos.</summary>
public sealed class InMemoryPortfolioStore : IPortfolioStore
{
    private sealed class LenderPortfolio
    {
        public Dictionary<string, PortfolioContribution> Contributions { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> Counters { get; } = new(StringComparer.Ordinal);
    }

    private readonly ConcurrentDictionary<string, LenderPortfolio> lenders = new(StringComparer.Ordinal);

    public Task<PortfolioContribution?> GetContributionAsync(string lenderId, string accountRef)
    {
        var portfolio = lenders.GetOrAdd(lenderId, _ => new LenderPortfolio());
        lock (portfolio)
        {
            return Task.FromResult(portfolio.Contributions.GetValueOrDefault(accountRef));
        }
    }

    public Task<(bool Applied, PortfolioContribution? Stored)> ReportAsync(
        string lenderId, string accountRef, PortfolioContribution? expected, PortfolioContribution next, string period)
    {
        var portfolio = lenders.GetOrAdd(lenderId, _ => new LenderPortfolio());
        lock (portfolio)
        {
            var stored = portfolio.Contributions.GetValueOrDefault(accountRef);
            if (stored == next)
            {
                return Task.FromResult((true, (PortfolioContribution?)next));
            }

            if (stored != expected)
            {
                return Task.FromResult((false, stored));
            }

            portfolio.Contributions[accountRef] = next;
            foreach (var (counter, delta) in PortfolioContribution.Difference(expected, next, period))
            {
                portfolio.Counters[counter] = portfolio.Counters.GetValueOrDefault(counter) + delta;
            }

            return Task.FromResult((true, (PortfolioContribution?)next));
        }
    }

    public Task<IReadOnlyDictionary<string, long>> ReadCountersAsync(string lenderId)
    {
        var portfolio = lenders.GetOrAdd(lenderId, _ => new LenderPortfolio());
        lock (portfolio)
        {
            return Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>(portfolio.Counters));
        }
    }

    public Task<IReadOnlyList<string>> ListLendersAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. lenders.Where(l => HasCounters(l.Value)).Select(l => l.Key).Order(StringComparer.Ordinal)]);

    private static bool HasCounters(LenderPortfolio portfolio)
    {
        lock (portfolio)
        {
            return portfolio.Counters.Count > 0;
        }
    }
}
