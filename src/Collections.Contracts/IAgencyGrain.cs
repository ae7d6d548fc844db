using System.Collections.Immutable;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Agencies;
using Orleans.Concurrency;

namespace Collections.Contracts;

/// <summary>
/// An agency's results, over all its lenders or for one lender. Money is by currency.
/// <see cref="RecoveryRate"/> is collected ÷ placed balance over every placement so far;
/// <see cref="CompletedRecoveryRate"/> the same over placements that ended — the results allocation weighs.
/// With several currencies a rate is the average of the currencies' rates, weighted by their placements.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.AgencyPerformanceView")]
public sealed record AgencyPerformanceView(
    [property: Id(0)] long Current,
    [property: Id(1)] long Placements,
    [property: Id(2)] ImmutableDictionary<string, long> Ended,
    [property: Id(3)] ImmutableDictionary<string, decimal> PlacedBalance,
    [property: Id(4)] ImmutableDictionary<string, decimal> Collected,
    [property: Id(5)] ImmutableDictionary<string, decimal> CommissionEarned,
    [property: Id(6)] decimal RecoveryRate,
    [property: Id(7)] long ContactAttempts,
    [property: Id(8)] long ContactsReached,
    [property: Id(9)] decimal ContactRate,
    [property: Id(10)] long PromisesMade,
    [property: Id(11)] long PromisesKept,
    [property: Id(12)] long PromisesBroken,
    [property: Id(13)] decimal PromiseKeptRate,
    [property: Id(14)] long Completed,
    [property: Id(15)] decimal CompletedRecoveryRate,
    [property: Id(16)] long Violations = 0,
    [property: Id(17)] long Complaints = 0);

/// <summary>An agency: its profile, how full it is, and its results (<c>GET /api/v1/agencies/{agencyId}</c>).</summary>
[GenerateSerializer, Immutable, Alias("collections.AgencyView")]
public sealed record AgencyView(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] string Name,
    [property: Id(2)] int Capacity,
    [property: Id(3)] ImmutableArray<string> Lenders,
    [property: Id(4)] decimal CommissionRate,
    [property: Id(5)] ImmutableArray<string> Regions,
    [property: Id(6)] long Current,
    [property: Id(7)] long Available,
    [property: Id(8)] AgencyPerformanceView Performance,
    [property: Id(9)] DateTimeOffset? CreatedAt,
    [property: Id(10)] DateTimeOffset? UpdatedAt);

/// <summary>What allocation needs of an agency: its room, and its recovery over its completed placements.</summary>
[GenerateSerializer, Immutable, Alias("collections.AgencyStatus")]
public sealed record AgencyStatus(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] int Capacity,
    [property: Id(2)] long Current,
    [property: Id(3)] long Completed,
    [property: Id(4)] double CompletedRecoveryRate);

/// <summary>
/// One row of an agency's work list: what it needs to pick the account up. Stored with the placement in
/// the agency's ordered index and refreshed by the account when it changes; <see cref="DaysPastDue"/> is
/// computed when read.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.PlacementWorkItem")]
public sealed record PlacementWorkItem(
    [property: Id(0)] string LenderId,
    [property: Id(1)] string AccountRef,
    [property: Id(2)] DateTimeOffset PlacedAt,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] Stage? Stage,
    [property: Id(5)] int DaysPastDue,
    [property: Id(6)] string Currency,
    [property: Id(7)] BalanceView Balance,
    [property: Id(8)] string BorrowerName,
    [property: Id(9)] string? Phone,
    [property: Id(10)] DateOnly DueDate,
    [property: Id(11)] string Timezone);

/// <summary>A page of an agency's current placements, oldest first; <see cref="Next"/> continues after it.</summary>
[GenerateSerializer, Immutable, Alias("collections.AgencyWorkPage")]
public sealed record AgencyWorkPage(
    [property: Id(0)] ImmutableArray<PlacementWorkItem> Items,
    [property: Id(1)] string? Next);

/// <summary>An account asks for a slot: <see cref="PlacementId"/> is the sequence number its placement event will have.</summary>
[GenerateSerializer, Immutable, Alias("collections.PlacementReservation")]
public sealed record PlacementReservation(
    [property: Id(0)] string AccountKey,
    [property: Id(1)] long PlacementId,
    [property: Id(2)] string LenderId,
    [property: Id(3)] string? Region);

public enum ReserveOutcome
{
    /// <summary>A slot is held for the account until it confirms (or is found not to have placed).</summary>
    Reserved,

    /// <summary>The agency is at capacity.</summary>
    Full,

    /// <summary>The agency does not (or no longer) take accounts of this lender or region.</summary>
    NotServing,
}

[GenerateSerializer, Immutable, Alias("collections.ReserveResult")]
public sealed record ReserveResult(
    [property: Id(0)] ReserveOutcome Outcome,
    [property: Id(1)] decimal CommissionRate,
    [property: Id(2)] int Capacity,
    [property: Id(3)] long Current);

/// <summary>
/// The account's current placement as the agency keeps it: the work list row and the placement's figures
/// so far. <see cref="AsOf"/> is the account's version, so that a late message never overwrites a newer one.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.PlacementSync")]
public sealed record PlacementSync(
    [property: Id(0)] string AccountKey,
    [property: Id(1)] long PlacementId,
    [property: Id(2)] long AsOf,
    [property: Id(3)] decimal PlacedBalance,
    [property: Id(4)] PlacementWorkItem Item,
    [property: Id(5)] PlacementStats Stats,
    [property: Id(6)] DateTimeOffset At);

/// <summary>
/// One lender's part of an agency's monthly statement: payments credited to the agency in the month and
/// the commission they earned (by currency), and the placements that opened and ended in it.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.AgencyStatementLine")]
public sealed record AgencyStatementLine(
    [property: Id(0)] string LenderId,
    [property: Id(1)] ImmutableDictionary<string, decimal> PaymentsCredited,
    [property: Id(2)] ImmutableDictionary<string, decimal> Commission,
    [property: Id(3)] long PlacementsOpened,
    [property: Id(4)] long PlacementsEnded,
    [property: Id(5)] ImmutableDictionary<string, long> EndedBy);

/// <summary>An agency's statement for one month (UTC, <c>yyyy-MM</c>), per lender.</summary>
[GenerateSerializer, Immutable, Alias("collections.AgencyStatement")]
public sealed record AgencyStatement(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] string Month,
    [property: Id(2)] decimal CommissionRate,
    [property: Id(3)] ImmutableArray<AgencyStatementLine> Lenders);

/// <summary>
/// A collection agency, keyed by its id. It is the authority on its own capacity: a slot is reserved
/// here (atomically in its placement store) before an account records a placement, so concurrent
/// placements from every silo never exceed it. Placement calls interleave — the store is atomic — so
/// an agency taking thousands of placements does not queue them one by one; only profile changes are
/// ordinary turns.
/// </summary>
[Alias("collections.IAgencyGrain")]
public interface IAgencyGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the agency's profile and lists it for allocation.</summary>
    [Alias("Put")]
    Task<AgencyView> PutAsync(AgencyProfile profile);

    /// <summary>The agency's view, or null when no profile was ever put.</summary>
    [Alias("Get"), AlwaysInterleave]
    Task<AgencyView?> GetAsync();

    [Alias("GetStatus"), AlwaysInterleave]
    Task<AgencyStatus?> GetStatusAsync();

    /// <summary>Holds a slot for an account if the agency serves it and has room.</summary>
    [Alias("Reserve"), AlwaysInterleave]
    Task<ReserveResult> ReserveAsync(PlacementReservation reservation);

    /// <summary>The account recorded the placement: it joins the work list and counts as placed. Idempotent.</summary>
    [Alias("Confirm"), AlwaysInterleave]
    Task ConfirmAsync(PlacementSync placement);

    /// <summary>The placed account changed (balance, contact data, the agency's figures). Idempotent, ordered by <see cref="PlacementSync.AsOf"/>.</summary>
    [Alias("Update"), AlwaysInterleave]
    Task UpdateAsync(PlacementSync placement);

    /// <summary>
    /// The placement ended (or was never recorded): its slot frees and it leaves the work list, counted
    /// under <paramref name="reason"/> with its final figures. Idempotent.
    /// </summary>
    [Alias("Release"), AlwaysInterleave]
    Task ReleaseAsync(string accountKey, long placementId, string reason, PlacementSync? final);

    /// <summary>A page of current placements after <paramref name="cursor"/> (null: from the start).</summary>
    [Alias("GetPlacements"), AlwaysInterleave]
    Task<AgencyWorkPage> GetPlacementsAsync(string? cursor, int limit);

    /// <summary>
    /// The agency's statement for <paramref name="month"/> (<c>yyyy-MM</c>): for one lender, or for every
    /// lender it serves when <paramref name="lenderId"/> is null. Null when the agency does not exist.
    /// </summary>
    [Alias("GetStatement"), AlwaysInterleave]
    Task<AgencyStatement?> GetStatementAsync(string month, string? lenderId);

    /// <summary>The agency's results on one lender's accounts.</summary>
    [Alias("GetLenderPerformance"), AlwaysInterleave]
    Task<AgencyPerformanceView> GetLenderPerformanceAsync(string lenderId);
}
