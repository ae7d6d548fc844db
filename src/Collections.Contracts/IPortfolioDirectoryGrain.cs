namespace Collections.Contracts;

/// <summary>
/// The lenders that have portfolio figures, read from the silo's portfolio store so that any process
/// (an API-only tier too) can walk every lender's pre-aggregated counters. Stateless: any silo answers.
/// </summary>
[Alias("collections.IPortfolioDirectoryGrain")]
public interface IPortfolioDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("GetLenders")]
    Task<List<string>> GetLendersAsync();
}
