using Collections.Domain;
using Collections.Domain.Queues;

namespace Collections.Contracts;

/// <summary>An account handed to a collector: leased to them until <see cref="LeaseExpiresAt"/>, with why it came first.</summary>
[GenerateSerializer, Immutable, Alias("collections.WorkAssignment")]
public sealed record WorkAssignment(
    [property: Id(0)] string AccountRef,
    [property: Id(1)] DateTimeOffset LeaseExpiresAt,
    [property: Id(2)] string Reason,
    [property: Id(3)] AccountView Account);

/// <summary>A team's queue now: accounts in its scope, and those leased to its collectors.</summary>
[GenerateSerializer, Immutable, Alias("collections.TeamQueueCounts")]
public sealed record TeamQueueCounts(
    [property: Id(0)] long Queued,
    [property: Id(1)] long Leased);

/// <summary>What a release did.</summary>
public enum LeaseRelease
{
    Released,

    /// <summary>No live lease on the account (released before, expired, or the account left the queue).</summary>
    NotLeased,

    /// <summary>Another collector holds it.</summary>
    HeldByAnother,
}

/// <summary>A lender's team definition, keyed <c>{lenderId}/{teamId}</c>, stored durably.</summary>
[Alias("collections.ITeamGrain")]
public interface ITeamGrain : IGrainWithStringKey
{
    /// <summary>The team, or null when the lender has not defined it.</summary>
    [Alias("Get"), Orleans.Concurrency.ReadOnly]
    Task<Team?> GetAsync();

    [Alias("Put")]
    Task PutAsync(Team team);
}

/// <summary>
/// A lender's work queues (a stateless worker keyed by lender id, so every silo serves its own calls):
/// hands a collector the team's highest-priority account that may be called now, leased in the shared
/// store so that no two collectors hold it, on any number of silos.
/// </summary>
[Alias("collections.IWorkQueueGrain")]
public interface IWorkQueueGrain : IGrainWithStringKey
{
    /// <summary>The next account for <paramref name="collector"/> of team <paramref name="teamId"/>, leased to them; null when none may be called now.</summary>
    [Alias("Next")]
    Task<WorkAssignment?> NextAsync(string teamId, Team team, string collector);

    /// <summary>Ends <paramref name="collector"/>'s lease on the account (anyone's when <paramref name="anyHolder"/>).</summary>
    [Alias("Release")]
    Task<LeaseRelease> ReleaseAsync(string accountRef, string collector, bool anyHolder);

    [Alias("Count"), Orleans.Concurrency.ReadOnly]
    Task<TeamQueueCounts> CountAsync(string teamId, Team team);
}

/// <summary>
/// The account's answer to a work queue that wants to hand it out: may it be called now (the
/// authoritative check: the contact policy on the account's own state), its view, and the queue it is
/// in now (null when none). A stale queue entry is put right by the account as it answers.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.CallOffer")]
public sealed record CallOffer(
    [property: Id(0)] ContactPermission Permission,
    [property: Id(1)] AccountView View,
    [property: Id(2)] Stage? QueueStage,
    [property: Id(3)] string? QueueSegment);

/// <summary>The account's side of the work queues (implemented by the account grain, same key).</summary>
[Alias("collections.IAccountQueueGrain")]
public interface IAccountQueueGrain : IGrainWithStringKey
{
    /// <summary>May a collector call the debtor now; null when the account does not exist.</summary>
    [Alias("OfferCall")]
    Task<CallOffer?> OfferCallAsync();
}
