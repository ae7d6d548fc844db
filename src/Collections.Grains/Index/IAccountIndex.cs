using Collections.Contracts;

namespace Collections.Grains.Index;

/// <summary>
/// The account read model: one small summary per account, kept from the account's committed changes, and
/// the sets that find accounts by a field without looking at the others. Pages are ordered by accountRef
/// and cost the same whatever the number of accounts: the search walks the smallest set that the filters
/// name, from the cursor on, checks the other filters on the candidates and stops after a bounded walk
/// (<see cref="AccountIndexTerms.WalkBudget"/>), returning a cursor to go on from.
/// </summary>
public interface IAccountIndex
{
    /// <summary>
    /// Stores <paramref name="summary"/> and moves the account between the filter sets. A summary of an
    /// older <see cref="AccountSummary.Version"/> than the stored one changes nothing (a rebuild racing a live write).
    /// </summary>
    Task UpsertAsync(string lenderId, AccountSummary summary);

    Task<AccountSummaryPage> SearchAsync(string lenderId, AccountQuery query);
}
