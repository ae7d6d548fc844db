using Collections.Domain.Portfolio;

namespace Collections.Grains.Portfolio;

/// <summary>
/// Lenders' portfolio counters, kept exact by compare-and-set: each account's last reported contribution
/// is stored beside the counters, and a report applies its difference only if the stored contribution
/// is the one the account expects. Replaying a report, or a report from a stale activation, changes
/// nothing, so the counters equal the sum over accounts whenever every account has reported.
/// </summary>
public interface IPortfolioStore
{
    /// <summary>The contribution the store holds for an account (for diagnosis: accounts guess it rather than read it).</summary>
    Task<PortfolioContribution?> GetContributionAsync(string lenderId, string accountRef);

    /// <summary>
    /// Stores <paramref name="next"/> and applies the difference from <paramref name="expected"/> to the
    /// counters, atomically, when the stored contribution is <paramref name="expected"/> (null: none yet).
    /// Otherwise changes nothing and returns the stored contribution for the caller to retry from.
    /// </summary>
    Task<(bool Applied, PortfolioContribution? Stored)> ReportAsync(
        string lenderId, string accountRef, PortfolioContribution? expected, PortfolioContribution next, string period);

    Task<IReadOnlyDictionary<string, long>> ReadCountersAsync(string lenderId);

    /// <summary>Every lender with at least one reported account: what the cluster-wide gauges walk.</summary>
    Task<IReadOnlyList<string>> ListLendersAsync();
}
