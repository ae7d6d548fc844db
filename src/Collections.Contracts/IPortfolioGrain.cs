namespace Collections.Contracts;

/// <summary>
/// Reads a lender's pre-aggregated portfolio counters from the silo's portfolio store, so that an
/// API-only tier (an Orleans client without storage) can serve them too. Stateless: any silo answers.
/// </summary>
[Alias("collections.IPortfolioGrain")]
public interface IPortfolioGrain : IGrainWithStringKey
{
    [Alias("GetCounters")]
    Task<Dictionary<string, long>> GetCountersAsync();
}
