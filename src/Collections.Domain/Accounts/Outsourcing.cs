using System.Collections.Immutable;
using Collections.Domain.Contacts;
using Orleans;

namespace Collections.Domain.Accounts;

/// <summary>Why a placement ended.</summary>
public enum PlacementEndReason
{
    /// <summary>Its term (the strategy's <c>durationDays</c>) ran out; the account's own wake recalled it.</summary>
    Expired,

    /// <summary>The agency handed it back.</summary>
    Returned,

    /// <summary>The debtor disputed the debt: collection stops until it is verified.</summary>
    Dispute,

    /// <summary>A hold that hands placements back (bankruptcy, deceased; see <see cref="HoldRules.RecallsPlacement"/>).</summary>
    Hold,

    /// <summary>The account left collections (cured, settled, written off, recalled or sold by the lender).</summary>
    Closed,

    /// <summary>Everything owed was paid.</summary>
    PaidInFull,

    /// <summary>The account escalated past the placement stage (to Legal), where the lender takes it back.</summary>
    Escalated,
}

/// <summary>
/// What an agency achieved during one placement, cumulative from its start: the figures its
/// performance is made of. Sent whole (never as increments), so that a repeated or late message cannot
/// count anything twice. <see cref="Complaints"/> are disputes raised while placed; <see cref="Violations"/>
/// are contacts the agency made against a contact rule.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.PlacementStats")]
public sealed record PlacementStats(
    [property: Id(0)] int ContactAttempts,
    [property: Id(1)] int ContactsReached,
    [property: Id(2)] int PromisesMade,
    [property: Id(3)] int PromisesKept,
    [property: Id(4)] int PromisesBroken,
    [property: Id(5)] decimal Collected,
    [property: Id(6)] decimal Commission,
    [property: Id(7)] int Complaints = 0,
    [property: Id(8)] int Violations = 0)
{
    public static readonly PlacementStats Zero = new(0, 0, 0, 0, 0, 0, 0);
}

/// <summary>
/// One placement with an agency, as the account records it. <see cref="Id"/> is the sequence number of
/// its <c>AccountPlaced</c> event. <see cref="Stats"/> grows with the agency's contacts, promises and
/// collected payments; <see cref="Credited"/> keeps the payment ids credited to the agency (bounded by
/// the payments of one debt), so that a retried agency payment is answered the same way after the end.
/// </summary>
public sealed record Placement(
    string AgencyId,
    long Id,
    DateTimeOffset PlacedAt,
    DateTimeOffset ExpiresAt,
    decimal Balance,
    decimal CommissionRate)
{
    public PlacementStats Stats { get; init; } = PlacementStats.Zero;

    /// <summary>The account's open promise was taken by this agency: its outcome counts for the agency.</summary>
    public bool AgencyPromiseOpen { get; init; }

    public ImmutableDictionary<string, decimal> Credited { get; init; } = ImmutableDictionary<string, decimal>.Empty;

    /// <summary>The agency's ids of the activities recorded in this placement (bounded by the contact policy's caps).</summary>
    public ImmutableHashSet<string> Activities { get; init; } = ImmutableHashSet<string>.Empty;

    public PlacementEndReason? EndReason { get; init; }

    public DateTimeOffset? EndedAt { get; init; }
}

/// <summary>
/// The account's side of outsourcing: its current placement, the last one that ended (the agency it may
/// not go back to at once, and whose release is re-sent until acknowledged), whether it waits for
/// capacity, and the recent contacts that the contact policy's frequency caps are counted on.
/// </summary>
public sealed record Outsourcing
{
    public static readonly Outsourcing None = new();

    /// <summary>How long contacts are kept for the frequency caps: the longest rolling window is 7 days.</summary>
    public static readonly TimeSpan ContactMemory = TimeSpan.FromDays(8);

    /// <summary>At most this many recent contacts are kept (the caps need at most 7 within a week).</summary>
    public const int MaxRecentContacts = 32;

    public Placement? Current { get; init; }

    public Placement? Last { get; init; }

    /// <summary>Placements over the account's life.</summary>
    public int Placements { get; init; }

    /// <summary>Since when the account waits for an agency with room; null when it does not wait.</summary>
    public DateTimeOffset? WaitingSince { get; init; }

    public ImmutableArray<ContactAttempt> RecentContacts { get; init; } = [];
}
