using System.Collections.Concurrent;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Queues;

namespace Collections.Grains.Queues;

/// <summary>
/// The embedded default's work queues: the process's memory, shared by its silos, one lock per lender.
/// A walk skips the entries not callable yet in place (cheap in memory; the Redis store keeps them apart).
/// </summary>
public sealed class InMemoryWorkQueueStore : IWorkQueueStore
{
    private sealed class LenderQueues
    {
        public Dictionary<string, WorkQueueEntry> Entries { get; } = new(StringComparer.Ordinal);

        public Dictionary<Stage, SortedSet<string>> Stages { get; } = [];

        public Dictionary<(Stage, string?), long> Counts { get; } = [];

        public Dictionary<string, WorkLease> Leases { get; } = new(StringComparer.Ordinal);
    }

    private readonly ConcurrentDictionary<string, LenderQueues> lenders = new(StringComparer.Ordinal);

    public Task SetAsync(string lenderId, string accountRef, WorkQueueEntry? entry)
    {
        var queues = Of(lenderId);
        lock (queues)
        {
            var old = queues.Entries.GetValueOrDefault(accountRef);
            if (old == entry)
            {
                return Task.CompletedTask;
            }

            if (old is not null)
            {
                queues.Stages[old.Stage].Remove(WorkQueueOrder.Member(old));
                queues.Counts[(old.Stage, old.Segment)]--;
                queues.Entries.Remove(accountRef);
            }

            if (entry is not null)
            {
                queues.Entries[accountRef] = entry;
                (queues.Stages.TryGetValue(entry.Stage, out var list) ? list : queues.Stages[entry.Stage] = new(StringComparer.Ordinal)).Add(WorkQueueOrder.Member(entry));
                queues.Counts[(entry.Stage, entry.Segment)] = queues.Counts.GetValueOrDefault((entry.Stage, entry.Segment)) + 1;
            }

            if (entry is null || old is null || old.Stage != entry.Stage || old.Segment != entry.Segment)
            {
                queues.Leases.Remove(accountRef);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WorkQueueEntry>> CandidatesAsync(string lenderId, IReadOnlyList<Stage> stages, IReadOnlyList<string> segments, DateTimeOffset now, int limit)
    {
        var queues = Of(lenderId);
        var found = new List<WorkQueueEntry>();
        lock (queues)
        {
            foreach (var stage in stages)
            {
                found.AddRange(queues.Stages.GetValueOrDefault(stage, [])
                    .Select(member => queues.Entries[member[(member.IndexOf('|', StringComparison.Ordinal) + 1)..]])
                    .Where(e => (e.CallableAt is null || e.CallableAt <= now) && WorkQueueOrder.InSegments(segments, e.Segment) && !Leased(queues, e.AccountRef, now))
                    .Take(limit));
            }
        }

        return Task.FromResult(WorkQueueOrder.Merge(found, limit));
    }

    public Task<bool> TryLeaseAsync(string lenderId, string accountRef, WorkLease lease, DateTimeOffset now)
    {
        var queues = Of(lenderId);
        lock (queues)
        {
            if (!queues.Entries.ContainsKey(accountRef) || Leased(queues, accountRef, now))
            {
                return Task.FromResult(false);
            }

            queues.Leases[accountRef] = lease;
            return Task.FromResult(true);
        }
    }

    public Task<LeaseRelease> ReleaseAsync(string lenderId, string accountRef, string? holder, DateTimeOffset now)
    {
        var queues = Of(lenderId);
        lock (queues)
        {
            if (!Leased(queues, accountRef, now))
            {
                queues.Leases.Remove(accountRef);
                return Task.FromResult(LeaseRelease.NotLeased);
            }

            if (holder is not null && queues.Leases[accountRef].Holder != holder)
            {
                return Task.FromResult(LeaseRelease.HeldByAnother);
            }

            queues.Leases.Remove(accountRef);
            return Task.FromResult(LeaseRelease.Released);
        }
    }

    public Task<TeamQueueCounts> CountAsync(string lenderId, string teamId, IReadOnlyList<Stage> stages, IReadOnlyList<string> segments, DateTimeOffset now)
    {
        var queues = Of(lenderId);
        lock (queues)
        {
            var queued = queues.Counts.Where(c => stages.Contains(c.Key.Item1) && WorkQueueOrder.InSegments(segments, c.Key.Item2)).Sum(c => c.Value);
            var leased = queues.Leases.Values.Count(l => l.TeamId == teamId && l.ExpiresAt > now);
            return Task.FromResult(new TeamQueueCounts(queued, leased));
        }
    }

    private static bool Leased(LenderQueues queues, string accountRef, DateTimeOffset now) =>
        queues.Leases.TryGetValue(accountRef, out var lease) && lease.ExpiresAt > now;

    private LenderQueues Of(string lenderId) => lenders.GetOrAdd(lenderId, _ => new LenderQueues());
}
