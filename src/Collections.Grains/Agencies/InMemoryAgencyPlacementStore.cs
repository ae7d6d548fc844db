using System.Collections.Concurrent;
using Collections.Domain.Accounts;

namespace Collections.Grains.Agencies;

/// <summary>
/// The embedded default's placement store: the process's memory, one lock per agency. The work list is a
/// red-black tree ordered by placement ordinal (<see cref="SortedSet{T}"/>): a page is a range read
/// from the cursor, O(log n + page), and adding or removing a placement is O(log n).
/// </summary>
public sealed class InMemoryAgencyPlacementStore : IAgencyPlacementStore
{
    private static readonly Comparer<(long Order, string Key)> ByOrder = Comparer<(long Order, string Key)>.Create((a, b) =>
        a.Order != b.Order ? a.Order.CompareTo(b.Order) : string.CompareOrdinal(a.Key, b.Key));

    private readonly ConcurrentDictionary<string, Agency> agencies = new(StringComparer.Ordinal);

    public Task<(SlotOutcome Outcome, long Current)> ReserveAsync(string agencyId, string accountKey, long placementId, string lenderId, int capacity, DateTimeOffset confirmBy)
    {
        var agency = Of(agencyId);
        lock (agency)
        {
            if (agency.Entries.TryGetValue(accountKey, out var existing))
            {
                if (existing.Id == placementId)
                {
                    return Done((SlotOutcome.AlreadyHeld, agency.Count(PlacementCounters.AllLenders, PlacementCounters.Current)));
                }

                // A placement the account never recorded (or ended without telling): the account is the
                // authority, and it is placing again, so its slot passes to the new placement.
                agency.Unindex(accountKey, existing);
                if (!existing.Tentative)
                {
                    agency.Add(existing.Lender, PlacementCounters.Ended("Superseded"), PlacementCounters.Scale);
                }
            }
            else
            {
                var current = agency.Count(PlacementCounters.AllLenders, PlacementCounters.Current);
                if (current >= (long)capacity * PlacementCounters.Scale)
                {
                    return Done((SlotOutcome.Full, current));
                }

                agency.Add(lenderId, PlacementCounters.Current, PlacementCounters.Scale);
            }

            var entry = new Entry { Id = placementId, Lender = lenderId, Tentative = true, ConfirmBy = confirmBy.ToUnixTimeMilliseconds() };
            agency.Entries[accountKey] = entry;
            agency.Unconfirmed.Add((entry.ConfirmBy, accountKey));
            return Done((SlotOutcome.Reserved, agency.Count(PlacementCounters.AllLenders, PlacementCounters.Current)));
        }
    }

    public Task<bool> ConfirmAsync(string agencyId, StoredPlacement placement)
    {
        var agency = Of(agencyId);
        lock (agency)
        {
            agency.Entries.TryGetValue(placement.AccountKey, out var entry);
            if (entry is not null && entry.Id == placement.PlacementId && !entry.Tentative)
            {
                Refresh(agency, entry, placement);
                return Done(true);
            }

            if (entry is null)
            {
                // Only after the store lost a reservation the account recorded: the placement exists, so
                // the agency holds it.
                agency.Add(placement.LenderId, PlacementCounters.Current, PlacementCounters.Scale);
            }
            else
            {
                agency.Unindex(placement.AccountKey, entry);
            }

            var confirmed = new Entry
            {
                Id = placement.PlacementId,
                Lender = placement.LenderId,
                Currency = placement.Currency,
                Tentative = false,
                Balance = PlacementCounters.Units(placement.PlacedBalance),
                Order = ++agency.Sequence,
                AsOf = placement.AsOf,
                Stats = placement.Stats,
                ItemJson = placement.ItemJson,
                ExpiresAt = placement.ExpiresAt.ToUnixTimeMilliseconds(),
            };
            agency.Entries[placement.AccountKey] = confirmed;
            agency.WorkList.Add((confirmed.Order, placement.AccountKey));
            agency.Expiries.Add((confirmed.ExpiresAt, placement.AccountKey));
            agency.Add(placement.LenderId, PlacementCounters.Placed, PlacementCounters.Scale, placement.Month);
            agency.Add(placement.LenderId, PlacementCounters.PlacedCount(placement.Currency), PlacementCounters.Scale, placement.Month);
            agency.Add(placement.LenderId, PlacementCounters.PlacedBalance(placement.Currency), PlacementCounters.Units(placement.PlacedBalance), placement.Month);
            foreach (var (field, delta) in PlacementCounters.StatsDelta(placement.Currency, PlacementStats.Zero, placement.Stats))
            {
                agency.Add(placement.LenderId, field, delta, placement.Month);
            }

            return Done(entry is not null);
        }
    }

    public Task<bool> UpdateAsync(string agencyId, StoredPlacement placement)
    {
        var agency = Of(agencyId);
        lock (agency)
        {
            return Done(agency.Entries.TryGetValue(placement.AccountKey, out var entry) && entry.Id == placement.PlacementId && !entry.Tentative
                && Refresh(agency, entry, placement));
        }
    }

    public Task<bool> ReleaseAsync(string agencyId, string accountKey, long placementId, string reason, string month, StoredPlacement? final)
    {
        var agency = Of(agencyId);
        lock (agency)
        {
            if (!agency.Entries.TryGetValue(accountKey, out var entry) || entry.Id != placementId)
            {
                return Done(false);
            }

            if (!entry.Tentative)
            {
                if (final is not null)
                {
                    Refresh(agency, entry, final);
                }

                agency.Add(entry.Lender, PlacementCounters.Ended(reason), PlacementCounters.Scale, month);
                agency.Add(entry.Lender, PlacementCounters.CompletedCount(entry.Currency!), PlacementCounters.Scale, month);
                agency.Add(entry.Lender, PlacementCounters.CompletedBalance(entry.Currency!), entry.Balance, month);
                agency.Add(entry.Lender, PlacementCounters.CompletedCollected(entry.Currency!), PlacementCounters.Units(entry.Stats.Collected), month);
            }

            agency.Unindex(accountKey, entry);
            agency.Entries.Remove(accountKey);
            agency.Add(entry.Lender, PlacementCounters.Current, -PlacementCounters.Scale);
            return Done(true);
        }
    }

    public Task<StoredPage> PageAsync(string agencyId, long after, int limit)
    {
        var agency = Of(agencyId);
        lock (agency)
        {
            var items = new List<string>(Math.Min(limit, 1000));
            long? next = null;
            var last = after;
            foreach (var (order, key) in agency.WorkList.GetViewBetween((after + 1, ""), (long.MaxValue, "")))
            {
                if (items.Count == limit)
                {
                    next = last;
                    break;
                }

                items.Add(agency.Entries[key].ItemJson!);
                last = order;
            }

            return Task.FromResult(new StoredPage(items, next));
        }
    }

    public Task<IReadOnlyDictionary<string, long>> CountersAsync(string agencyId, string scope)
    {
        var agency = Of(agencyId);
        lock (agency)
        {
            IReadOnlyDictionary<string, long> counters = agency.Counters.TryGetValue(scope, out var found)
                ? new Dictionary<string, long>(found, StringComparer.Ordinal)
                : new Dictionary<string, long>(StringComparer.Ordinal);
            return Task.FromResult(counters);
        }
    }

    public Task<IReadOnlyList<(string AccountKey, long PlacementId)>> ClaimOverdueAsync(
        string agencyId, DateTimeOffset realNow, DateTimeOffset unconfirmedRecheckAt, DateTimeOffset expiredBefore, DateTimeOffset expiredRecheckAt, int max)
    {
        var agency = Of(agencyId);
        lock (agency)
        {
            var claimed = new List<(string, long)>();
            Claim(agency.Unconfirmed, realNow.ToUnixTimeMilliseconds(), unconfirmedRecheckAt.ToUnixTimeMilliseconds(), e => e.Tentative, (e, at) => e.ConfirmBy = at);
            Claim(agency.Expiries, expiredBefore.ToUnixTimeMilliseconds(), expiredRecheckAt.ToUnixTimeMilliseconds(), e => !e.Tentative, (e, at) => e.ExpiresAt = at);
            return Task.FromResult<IReadOnlyList<(string, long)>>(claimed);

            void Claim(SortedSet<(long, string)> index, long dueBy, long recheckAt, Func<Entry, bool> applies, Action<Entry, long> reschedule)
            {
                var due = index.GetViewBetween((long.MinValue, ""), (dueBy, "\uffff")).Take(max - claimed.Count).ToList();
                foreach (var (at, key) in due)
                {
                    index.Remove((at, key));
                    if (agency.Entries.TryGetValue(key, out var entry) && applies(entry))
                    {
                        reschedule(entry, recheckAt);
                        index.Add((recheckAt, key));
                        claimed.Add((key, entry.Id));
                    }
                }
            }
        }
    }

    /// <summary>Takes a confirmed placement's row and figures to <paramref name="placement"/>'s, if it is newer.</summary>
    private static bool Refresh(Agency agency, Entry entry, StoredPlacement placement)
    {
        if (placement.AsOf <= entry.AsOf)
        {
            return false;
        }

        foreach (var (field, delta) in PlacementCounters.StatsDelta(entry.Currency!, entry.Stats, placement.Stats))
        {
            agency.Add(entry.Lender, field, delta, placement.Month);
        }

        entry.Stats = placement.Stats;
        entry.AsOf = placement.AsOf;
        entry.ItemJson = placement.ItemJson;
        return true;
    }

    private Agency Of(string agencyId) => agencies.GetOrAdd(agencyId, _ => new Agency());

    private static Task<T> Done<T>(T value) => Task.FromResult(value);

    private sealed class Entry
    {
        public long Id { get; set; }

        public required string Lender { get; set; }

        public string? Currency { get; set; }

        public bool Tentative { get; set; }

        public long Order { get; set; }

        /// <summary>The balance placed, in counter units.</summary>
        public long Balance { get; set; }

        public long AsOf { get; set; }

        public PlacementStats Stats { get; set; } = PlacementStats.Zero;

        public string? ItemJson { get; set; }

        public long ConfirmBy { get; set; }

        public long ExpiresAt { get; set; }
    }

    private sealed class Agency
    {
        public Dictionary<string, Entry> Entries { get; } = new(StringComparer.Ordinal);

        public SortedSet<(long Order, string Key)> WorkList { get; } = new(ByOrder);

        public SortedSet<(long At, string Key)> Unconfirmed { get; } = new(ByOrder);

        public SortedSet<(long At, string Key)> Expiries { get; } = new(ByOrder);

        public Dictionary<string, Dictionary<string, long>> Counters { get; } = new(StringComparer.Ordinal);

        public long Sequence { get; set; }

        public long Count(string scope, string field) =>
            Counters.TryGetValue(scope, out var counters) ? counters.GetValueOrDefault(field) : 0;

        /// <summary>Adds to a counter of the lender and of the total, and of the lender's <paramref name="month"/> when given.</summary>
        public void Add(string lender, string field, long delta, string? month = null)
        {
            if (delta == 0)
            {
                return;
            }

            string[] scopes = month is null
                ? [lender, PlacementCounters.AllLenders]
                : [lender, PlacementCounters.AllLenders, PlacementCounters.MonthScope(lender, month)];
            foreach (var scope in scopes)
            {
                if (!Counters.TryGetValue(scope, out var counters))
                {
                    Counters[scope] = counters = new Dictionary<string, long>(StringComparer.Ordinal);
                }

                counters[field] = counters.GetValueOrDefault(field) + delta;
            }
        }

        /// <summary>Removes an entry from the work list and the deadline indexes.</summary>
        public void Unindex(string key, Entry entry)
        {
            if (entry.Tentative)
            {
                Unconfirmed.Remove((entry.ConfirmBy, key));
            }
            else
            {
                WorkList.Remove((entry.Order, key));
                Expiries.Remove((entry.ExpiresAt, key));
            }
        }
    }
}
