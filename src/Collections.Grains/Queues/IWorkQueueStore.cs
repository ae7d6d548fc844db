using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Queues;

namespace Collections.Grains.Queues;

/// <summary>A collector's hold on an account, through a team, until <see cref="ExpiresAt"/> (business time).</summary>
public sealed record WorkLease(string Holder, string TeamId, DateTimeOffset ExpiresAt);

/// <summary>
/// Lenders' work queues, shared by every silo: per lender and stage, the accounts' entries in priority
/// order, and the leases. Each account writes its own entry after its commits (<see cref="SetAsync"/>);
/// the queue grains read candidates and take leases. A lease is taken atomically and only on an account
/// with an entry and no live lease, so no two collectors hold one account; it ends on release, at its
/// expiry, or when the entry is removed or moves to another stage or segment (the account left the scope).
/// </summary>
public interface IWorkQueueStore
{
    /// <summary>Puts the account's entry, or removes it (null).</summary>
    Task SetAsync(string lenderId, string accountRef, WorkQueueEntry? entry);

    /// <summary>
    /// Up to <paramref name="limit"/> entries of <paramref name="stages"/> (and <paramref name="segments"/>;
    /// none named: every segment) that are callable at <paramref name="now"/> and not leased, in priority
    /// order per stage, the stages' lists merged by priority.
    /// </summary>
    Task<IReadOnlyList<WorkQueueEntry>> CandidatesAsync(string lenderId, IReadOnlyList<Stage> stages, IReadOnlyList<string> segments, DateTimeOffset now, int limit);

    /// <summary>Leases the account when it has an entry and no lease live at <paramref name="now"/>; false otherwise.</summary>
    Task<bool> TryLeaseAsync(string lenderId, string accountRef, WorkLease lease, DateTimeOffset now);

    /// <summary>Ends the live lease on the account when <paramref name="holder"/> holds it (null: whoever does).</summary>
    Task<LeaseRelease> ReleaseAsync(string lenderId, string accountRef, string? holder, DateTimeOffset now);

    /// <summary>Entries in the stages and segments, and the team's live leases.</summary>
    Task<TeamQueueCounts> CountAsync(string lenderId, string teamId, IReadOnlyList<Stage> stages, IReadOnlyList<string> segments, DateTimeOffset now);
}

/// <summary>How the stores order and merge entries: by priority, then account reference (both ordinal).</summary>
internal static class WorkQueueOrder
{
    /// <summary>The sortable member of a stage's list: priority, then the account (priorities hold no '|').</summary>
    public static string Member(WorkQueueEntry entry) => $"{entry.Priority}|{entry.AccountRef}";

    public static IReadOnlyList<WorkQueueEntry> Merge(IEnumerable<WorkQueueEntry> entries, int limit) =>
        [.. entries.OrderBy(Member, StringComparer.Ordinal).Take(limit)];

    public static bool InSegments(IReadOnlyList<string> segments, string? segment) =>
        segments.Count == 0 || (segment is not null && segments.Contains(segment));
}
