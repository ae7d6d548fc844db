using Collections.Domain.Accounts;

namespace Collections.Grains.Agencies;

/// <summary>
/// A placement as an agency's store keeps it (<see cref="ItemJson"/> is the work list row); <see cref="Month"/>
/// is the statement month (<c>yyyy-MM</c>) its change falls in.
/// </summary>
public sealed record StoredPlacement(
    string AccountKey,
    long PlacementId,
    long AsOf,
    string LenderId,
    string Currency,
    decimal PlacedBalance,
    DateTimeOffset ExpiresAt,
    PlacementStats Stats,
    string ItemJson,
    string Month);

public enum SlotOutcome
{
    Reserved,
    AlreadyHeld,
    Full,
}

/// <summary>A page of the work list: rows in placement order and the cursor after the last, if more follow.</summary>
public sealed record StoredPage(IReadOnlyList<string> ItemsJson, long? Next);

/// <summary>
/// Each agency's current placements and counters, kept beside the account event store in the same
/// backend (memory in the embedded default, Redis in production). Every operation is atomic per agency,
/// so the store — not a grain turn — is what keeps capacity exact under concurrent placements from
/// every silo. The work list is an ordered index (a sorted set by placement ordinal): adding or removing
/// a placement touches one entry, and a page is read from a cursor in time independent of the list's
/// length. Counters are kept per lender and in total (<see cref="PlacementCounters.AllLenders"/>), in
/// units of 1/<see cref="PlacementCounters.Scale"/> so that money adds up exactly; what a confirm, update
/// or release adds is also added to the lender's scope of that month (<see cref="PlacementCounters.MonthScope"/>),
/// which is the agency's monthly statement without a scan.
/// </summary>
public interface IAgencyPlacementStore
{
    /// <summary>
    /// Holds a slot for the account (unconfirmed until <paramref name="confirmBy"/>, real time) if fewer
    /// than <paramref name="capacity"/> are held. The same placement again is <see cref="SlotOutcome.AlreadyHeld"/>;
    /// another placement of the same account replaces a stale one without taking a second slot.
    /// Returns the slots held afterwards.
    /// </summary>
    Task<(SlotOutcome Outcome, long Current)> ReserveAsync(string agencyId, string accountKey, long placementId, string lenderId, int capacity, DateTimeOffset confirmBy);

    /// <summary>The account recorded the placement: it joins the work list and counts as placed. Idempotent.</summary>
    Task<bool> ConfirmAsync(string agencyId, StoredPlacement placement);

    /// <summary>Refreshes a confirmed placement's row and figures if <see cref="StoredPlacement.AsOf"/> is newer.</summary>
    Task<bool> UpdateAsync(string agencyId, StoredPlacement placement);

    /// <summary>
    /// Frees the placement's slot and removes it from the work list, counting it as ended for <paramref name="reason"/>
    /// (in <paramref name="month"/>'s statement too) if it was confirmed. Idempotent.
    /// </summary>
    Task<bool> ReleaseAsync(string agencyId, string accountKey, long placementId, string reason, string month, StoredPlacement? final);

    /// <summary>Up to <paramref name="limit"/> rows of the work list after ordinal <paramref name="after"/>.</summary>
    Task<StoredPage> PageAsync(string agencyId, long after, int limit);

    /// <summary>The counters of one scope: a lender id or <see cref="PlacementCounters.AllLenders"/>.</summary>
    Task<IReadOnlyDictionary<string, long>> CountersAsync(string agencyId, string scope);

    /// <summary>
    /// Placements to settle with their accounts: unconfirmed ones past their confirmation deadline, and
    /// confirmed ones whose term ended before <paramref name="expiredBefore"/> (business time) but are
    /// still held. Each returned placement is not returned again before its recheck time.
    /// </summary>
    Task<IReadOnlyList<(string AccountKey, long PlacementId)>> ClaimOverdueAsync(
        string agencyId, DateTimeOffset realNow, DateTimeOffset unconfirmedRecheckAt, DateTimeOffset expiredBefore, DateTimeOffset expiredRecheckAt, int max);
}

/// <summary>Names and units of an agency's counters.</summary>
public static class PlacementCounters
{
    /// <summary>Every counter is stored ×10 000: four decimals cover every currency's minor unit.</summary>
    public const long Scale = 10_000;

    /// <summary>The scope of the agency's totals (not a valid lender id).</summary>
    public const string AllLenders = "*";

    public const string Current = "current";
    public const string Placed = "placed";
    public const string Attempts = "attempts";
    public const string Reached = "reached";
    public const string PromisesMade = "promisesMade";
    public const string PromisesKept = "promisesKept";
    public const string PromisesBroken = "promisesBroken";
    public const string Complaints = "complaints";
    public const string Violations = "violations";

    /// <summary>The scope of one lender's counters in one statement month (<c>L1@2026-03</c>).</summary>
    public static string MonthScope(string lenderId, string month) => $"{lenderId}@{month}";

    /// <summary>The statement month of a business instant: its UTC year and month.</summary>
    public static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    public static string Ended(string reason) => $"ended:{reason}";

    public static string PlacedCount(string currency) => $"placedCount:{currency}";

    public static string PlacedBalance(string currency) => $"placedBalance:{currency}";

    public static string Collected(string currency) => $"collected:{currency}";

    public static string Commission(string currency) => $"commission:{currency}";

    /// <summary>Placements that ended, their balance when placed and what they collected: the results allocation weighs.</summary>
    public static string CompletedCount(string currency) => $"completedCount:{currency}";

    public static string CompletedBalance(string currency) => $"completedBalance:{currency}";

    public static string CompletedCollected(string currency) => $"completedCollected:{currency}";

    public static long Units(decimal value) => checked((long)decimal.Round(value * Scale, 0, MidpointRounding.AwayFromZero));

    public static decimal Value(long units) => (decimal)units / Scale;

    /// <summary>The counter increments that take a placement's figures from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static IEnumerable<(string Field, long Delta)> StatsDelta(string currency, PlacementStats before, PlacementStats after)
    {
        yield return (Attempts, (after.ContactAttempts - before.ContactAttempts) * Scale);
        yield return (Reached, (after.ContactsReached - before.ContactsReached) * Scale);
        yield return (PromisesMade, (after.PromisesMade - before.PromisesMade) * Scale);
        yield return (PromisesKept, (after.PromisesKept - before.PromisesKept) * Scale);
        yield return (PromisesBroken, (after.PromisesBroken - before.PromisesBroken) * Scale);
        yield return (Complaints, (after.Complaints - before.Complaints) * Scale);
        yield return (Violations, (after.Violations - before.Violations) * Scale);
        yield return (Collected(currency), Units(after.Collected) - Units(before.Collected));
        yield return (Commission(currency), Units(after.Commission) - Units(before.Commission));
    }
}
