using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Grains.Storage;

namespace Collections.Grains.Agencies;

/// <summary>
/// The placement store on Azure Table storage (table <c>CollectionsPlacements</c>). Each agency is one
/// partition (<c>{serviceId}|{agencyId}</c>):
/// <list type="bullet">
/// <item><c>head</c>: the agency's counters per lender and in total, and the placement ordinal;</item>
/// <item><c>p|{account}</c>: one row per held placement (its id, state, row and figures);</item>
/// <item><c>l|{ordinal}</c>: the work list, ordered by placement ordinal (a page is one range query from the cursor);</item>
/// <item><c>u|{deadline}|{account}</c> and <c>x|{deadline}|{account}</c>: unconfirmed and term deadlines, for reconciliation.</item>
/// </list>
/// Every change is one entity-group transaction that replaces <c>head</c> at its ETag, so changes of one
/// agency are serialized across silos as the Redis scripts serialize them, and capacity stays exact.
/// Within this process, writers of one agency take turns instead of racing for the ETag.
/// </summary>
public sealed class AzureAgencyPlacementStore : IAgencyPlacementStore
{
    public const string TableName = "CollectionsPlacements";

    private const string HeadRow = "head";

    /// <summary>Claims per transaction: each moves an index row (2 operations) and the entry's deadline, beside the head, within 100 operations.</summary>
    private const int ClaimsPerTransaction = 33;

    private readonly Lazy<Task<TableClient>> table;
    private readonly string serviceId;
    private readonly KeyedLocks writers = new();

    public AzureAgencyPlacementStore(TableServiceClient service, string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        table = AzureTables.Lazily(service, TableName);
        this.serviceId = serviceId;
    }

    public string PartitionKey(string agencyId) => AzureTables.Partition(serviceId, agencyId);

    public Task<(SlotOutcome Outcome, long Current)> ReserveAsync(string agencyId, string accountKey, long placementId, string lenderId, int capacity, DateTimeOffset confirmBy) =>
        ChangeAsync(agencyId, accountKey, change =>
        {
            if (change.Entry is { } existing)
            {
                if (existing.Id == placementId)
                {
                    return (SlotOutcome.AlreadyHeld, change.Head.Count(PlacementCounters.AllLenders, PlacementCounters.Current));
                }

                // A placement the account never recorded (or ended without telling): the account is the
                // authority, and it is placing again, so its slot passes to the new placement.
                change.Unindex(existing);
                if (!existing.Tentative)
                {
                    change.Head.Add(existing.Lender, PlacementCounters.Ended("Superseded"), PlacementCounters.Scale);
                }
            }
            else
            {
                var current = change.Head.Count(PlacementCounters.AllLenders, PlacementCounters.Current);
                if (current >= (long)capacity * PlacementCounters.Scale)
                {
                    return (SlotOutcome.Full, current);
                }

                change.Head.Add(lenderId, PlacementCounters.Current, PlacementCounters.Scale);
            }

            change.Put(new Entry { Id = placementId, Lender = lenderId, Tentative = true, Due = confirmBy.ToUnixTimeMilliseconds() });
            return (SlotOutcome.Reserved, change.Head.Count(PlacementCounters.AllLenders, PlacementCounters.Current));
        });

    public Task<bool> ConfirmAsync(string agencyId, StoredPlacement placement) =>
        ChangeAsync(agencyId, placement.AccountKey, change =>
        {
            var entry = change.Entry;
            if (entry is not null && entry.Id == placement.PlacementId && !entry.Tentative)
            {
                change.Refresh(entry, placement);
                return true;
            }

            if (entry is null)
            {
                // Only after the store lost a reservation the account recorded: the placement exists, so
                // the agency holds it.
                change.Head.Add(placement.LenderId, PlacementCounters.Current, PlacementCounters.Scale);
            }
            else
            {
                change.Unindex(entry);
            }

            change.Put(new Entry
            {
                Id = placement.PlacementId,
                Lender = placement.LenderId,
                Currency = placement.Currency,
                Tentative = false,
                Balance = PlacementCounters.Units(placement.PlacedBalance),
                Order = ++change.Head.Sequence,
                AsOf = placement.AsOf,
                Stats = placement.Stats,
                Item = placement.ItemJson,
                Due = placement.ExpiresAt.ToUnixTimeMilliseconds(),
            });
            var head = change.Head;
            head.Add(placement.LenderId, PlacementCounters.Placed, PlacementCounters.Scale, placement.Month);
            head.Add(placement.LenderId, PlacementCounters.PlacedCount(placement.Currency), PlacementCounters.Scale, placement.Month);
            head.Add(placement.LenderId, PlacementCounters.PlacedBalance(placement.Currency), PlacementCounters.Units(placement.PlacedBalance), placement.Month);
            foreach (var (field, delta) in PlacementCounters.StatsDelta(placement.Currency, PlacementStats.Zero, placement.Stats))
            {
                head.Add(placement.LenderId, field, delta, placement.Month);
            }

            return entry is not null;
        });

    public Task<bool> UpdateAsync(string agencyId, StoredPlacement placement) =>
        ChangeAsync(agencyId, placement.AccountKey, change =>
            change.Entry is { } entry && entry.Id == placement.PlacementId && !entry.Tentative && change.Refresh(entry, placement));

    public Task<bool> ReleaseAsync(string agencyId, string accountKey, long placementId, string reason, string month, StoredPlacement? final) =>
        ChangeAsync(agencyId, accountKey, change =>
        {
            if (change.Entry is not { } entry || entry.Id != placementId)
            {
                return false;
            }

            var head = change.Head;
            if (!entry.Tentative)
            {
                if (final is not null && final.AsOf > entry.AsOf)
                {
                    foreach (var (field, delta) in PlacementCounters.StatsDelta(entry.Currency!, entry.Stats, final.Stats))
                    {
                        head.Add(entry.Lender, field, delta, final.Month);
                    }

                    entry.Stats = final.Stats;
                }

                head.Add(entry.Lender, PlacementCounters.Ended(reason), PlacementCounters.Scale, month);
                head.Add(entry.Lender, PlacementCounters.CompletedCount(entry.Currency!), PlacementCounters.Scale, month);
                head.Add(entry.Lender, PlacementCounters.CompletedBalance(entry.Currency!), entry.Balance, month);
                head.Add(entry.Lender, PlacementCounters.CompletedCollected(entry.Currency!), PlacementCounters.Units(entry.Stats.Collected), month);
            }

            change.Unindex(entry);
            change.Remove();
            head.Add(entry.Lender, PlacementCounters.Current, -PlacementCounters.Scale);
            return true;
        });

    public async Task<StoredPage> PageAsync(string agencyId, long after, int limit)
    {
        var partition = PartitionKey(agencyId);
        var from = ListRow(after);
        var items = new List<string>(Math.Min(limit, 1000));
        long? next = null;
        var last = after;
        await foreach (var row in (await table.Value).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from} and RowKey lt {"l}"}"), maxPerPage: limit + 1))
        {
            if (items.Count == limit)
            {
                next = last;
                break;
            }

            items.Add(AzureTables.GetText(row, "Item")!);
            last = row.GetInt64("Order")!.Value;
        }

        return new StoredPage(items, next);
    }

    public async Task<IReadOnlyDictionary<string, long>> CountersAsync(string agencyId, string scope)
    {
        var found = await (await table.Value).GetEntityIfExistsAsync<TableEntity>(PartitionKey(agencyId), HeadRow);
        var head = found.HasValue && found.Value is { } row ? Head.From(row) : new Head();
        return head.Counters.TryGetValue(scope, out var counters)
            ? new Dictionary<string, long>(counters, StringComparer.Ordinal)
            : new Dictionary<string, long>(StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<(string AccountKey, long PlacementId)>> ClaimOverdueAsync(
        string agencyId, DateTimeOffset realNow, DateTimeOffset unconfirmedRecheckAt, DateTimeOffset expiredBefore, DateTimeOffset expiredRecheckAt, int max)
    {
        var client = await table.Value;
        var partition = PartitionKey(agencyId);
        using var _ = await writers.EnterAsync(partition);
        var claimed = new List<(string, long)>();
        foreach (var (index, dueBy, recheckAt) in new[] { ('u', realNow, unconfirmedRecheckAt), ('x', expiredBefore, expiredRecheckAt) })
        {
            while (claimed.Count < max)
            {
                // The head is replaced at its ETag with every batch: a concurrent change of the agency in
                // another process makes the batch fail, and it is read again.
                var headRow = await client.GetEntityIfExistsAsync<TableEntity>(partition, HeadRow);
                if (!headRow.HasValue || headRow.Value is not { } head)
                {
                    return claimed;
                }

                // A recheck time not after the deadline would find the moved rows again: each is claimed once per call.
                var due = new List<TableEntity>();
                var (from, to) = ($"{index}|", IndexRow(index, dueBy.ToUnixTimeMilliseconds() + 1, ""));
                await foreach (var row in client.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from} and RowKey lt {to}"),
                    maxPerPage: Math.Min(ClaimsPerTransaction, max - claimed.Count)))
                {
                    if (claimed.Any(c => c.Item1 == row.GetString("Account")))
                    {
                        continue;
                    }

                    due.Add(row);
                    if (due.Count == Math.Min(ClaimsPerTransaction, max - claimed.Count))
                    {
                        break;
                    }
                }

                if (due.Count == 0)
                {
                    break;
                }

                var recheck = recheckAt.ToUnixTimeMilliseconds();
                var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, head, head.ETag) };
                foreach (var row in due)
                {
                    var account = row.GetString("Account")!;
                    actions.Add(new(TableTransactionActionType.Delete, row, ETag.All));
                    actions.Add(new(TableTransactionActionType.Add, IndexEntity(partition, index, recheck, account, row.GetInt64("Id")!.Value)));
                    actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, EntryRow(account)) { ["Due"] = recheck }, ETag.All));
                }

                try
                {
                    await client.SubmitTransactionAsync(actions);
                    claimed.AddRange(due.Select(r => (r.GetString("Account")!, r.GetInt64("Id")!.Value)));
                }
                catch (RequestFailedException failure) when (AzureTables.IsConflict(failure))
                {
                    // Changed meanwhile: read the head and the due rows again.
                }
            }
        }

        return claimed;
    }

    /// <summary>
    /// Reads the agency's head and the account's entry, lets <paramref name="decide"/> change them, and
    /// writes what it changed in one transaction at the head's ETag; on a conflict, starts again.
    /// </summary>
    private async Task<T> ChangeAsync<T>(string agencyId, string accountKey, Func<Change, T> decide)
    {
        var client = await table.Value;
        var partition = PartitionKey(agencyId);
        var entryRow = EntryRow(accountKey);
        using var _ = await writers.EnterAsync(partition);
        while (true)
        {
            // Two point reads at once (a filter naming both rows would scan the agency's partition).
            var (headRow, entryEntity) = await AzureTables.ReadPairAsync(client, partition, HeadRow, entryRow);

            var change = new Change(partition, accountKey, headRow is null ? new Head() : Head.From(headRow), entryEntity is null ? null : Entry.From(entryEntity));
            var result = decide(change);
            if (!change.Changed)
            {
                return result;
            }

            try
            {
                await client.SubmitTransactionAsync(change.Actions(headRow, entryEntity));
                return result;
            }
            catch (RequestFailedException failure) when (AzureTables.IsConflict(failure))
            {
                // Another process changed the agency first: decide again on what is stored now.
            }
        }
    }

    private static string EntryRow(string accountKey) => "p|" + AzureTables.Escape(accountKey);

    private static string ListRow(long order) => "l|" + order.ToString("D19", CultureInfo.InvariantCulture);

    private static string IndexRow(char index, long at, string accountKey) =>
        $"{index}|{Math.Max(0, at).ToString("D19", CultureInfo.InvariantCulture)}|{AzureTables.Escape(accountKey)}";

    private static TableEntity IndexEntity(string partition, char index, long at, string accountKey, long placementId) =>
        new(partition, IndexRow(index, at, accountKey)) { ["Account"] = accountKey, ["Id"] = placementId };

    /// <summary>The counters and the placement ordinal of an agency.</summary>
    private sealed class Head
    {
        public Dictionary<string, Dictionary<string, long>> Counters { get; init; } = new(StringComparer.Ordinal);

        public long Sequence { get; set; }

        public static Head From(TableEntity row) => new()
        {
            Counters = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, long>>>(AzureTables.GetText(row, "Counters") ?? "{}") ?? [],
            Sequence = row.GetInt64("Sequence") ?? 0,
        };

        public TableEntity ToEntity(string partition)
        {
            var row = new TableEntity(partition, HeadRow) { ["Sequence"] = Sequence };
            AzureTables.SetText(row, "Counters", JsonSerializer.Serialize(Counters));
            return row;
        }

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
    }

    /// <summary>A held placement as its row stores it.</summary>
    private sealed class Entry
    {
        public long Id { get; init; }

        public required string Lender { get; init; }

        public string? Currency { get; init; }

        public bool Tentative { get; init; }

        public long Order { get; init; }

        /// <summary>The balance placed, in counter units.</summary>
        public long Balance { get; init; }

        public long AsOf { get; set; }

        public PlacementStats Stats { get; set; } = PlacementStats.Zero;

        public string? Item { get; set; }

        /// <summary>The deadline it is indexed under (ms): the confirmation deadline while tentative, then the term's end.</summary>
        public long Due { get; init; }

        public static Entry From(TableEntity row) => new()
        {
            Id = row.GetInt64("Id")!.Value,
            Lender = row.GetString("Lender")!,
            Currency = row.GetString("Currency"),
            Tentative = row.GetBoolean("Tentative")!.Value,
            Order = row.GetInt64("Order") ?? 0,
            Balance = row.GetInt64("Balance") ?? 0,
            AsOf = row.GetInt64("AsOf") ?? 0,
            Stats = row.GetString("Stats") is { } stats ? JsonSerializer.Deserialize<PlacementStats>(stats, DomainJson.Options)! : PlacementStats.Zero,
            Item = AzureTables.GetText(row, "Item"),
            Due = row.GetInt64("Due")!.Value,
        };

        public TableEntity ToEntity(string partition, string accountKey)
        {
            var row = new TableEntity(partition, EntryRow(accountKey))
            {
                ["Id"] = Id, ["Lender"] = Lender, ["Tentative"] = Tentative, ["Order"] = Order,
                ["Balance"] = Balance, ["AsOf"] = AsOf, ["Stats"] = JsonSerializer.Serialize(Stats, DomainJson.Options), ["Due"] = Due,
            };
            if (Currency is not null)
            {
                row["Currency"] = Currency;
            }

            if (Item is not null)
            {
                AzureTables.SetText(row, "Item", Item);
            }

            return row;
        }

        public TableEntity IndexEntity(string partition, string accountKey) =>
            AzureAgencyPlacementStore.IndexEntity(partition, Tentative ? 'u' : 'x', Due, accountKey, Id);

        public TableEntity ListEntity(string partition, string accountKey)
        {
            var row = new TableEntity(partition, ListRow(Order)) { ["Account"] = accountKey, ["Order"] = Order };
            AzureTables.SetText(row, "Item", Item ?? "");
            return row;
        }
    }

    /// <summary>One decision on an agency: its head and one account's entry, and the rows that must change with them.</summary>
    private sealed class Change(string partition, string accountKey, Head head, Entry? entry)
    {
        // Row key → (write or delete, the row). A row written after it was deleted in the same change is replaced.
        private readonly Dictionary<string, (bool Delete, TableEntity Row)> rows = new(StringComparer.Ordinal);
        private Entry? written;
        private bool removed;

        public Head Head => head;

        public Entry? Entry => entry;

        /// <summary>Whether anything is to be written (deciding that nothing changes costs no write).</summary>
        public bool Changed => written is not null || removed || rows.Count > 0;

        public void Unindex(Entry stale)
        {
            Delete(stale.IndexEntity(partition, accountKey));
            if (!stale.Tentative)
            {
                Delete(stale.ListEntity(partition, accountKey));
            }
        }

        public void Put(Entry next)
        {
            written = next;
            Write(next.IndexEntity(partition, accountKey));
            if (!next.Tentative)
            {
                Write(next.ListEntity(partition, accountKey));
            }
        }

        public void Remove() => removed = true;

        /// <summary>Takes a confirmed placement's row and figures to <paramref name="placement"/>'s, if it is newer.</summary>
        public bool Refresh(Entry current, StoredPlacement placement)
        {
            if (placement.AsOf <= current.AsOf)
            {
                return false;
            }

            foreach (var (field, delta) in PlacementCounters.StatsDelta(current.Currency!, current.Stats, placement.Stats))
            {
                Head.Add(current.Lender, field, delta, placement.Month);
            }

            current.Stats = placement.Stats;
            current.AsOf = placement.AsOf;
            current.Item = placement.ItemJson;
            written = current;
            Write(current.ListEntity(partition, accountKey));
            return true;
        }

        public List<TableTransactionAction> Actions(TableEntity? storedHead, TableEntity? storedEntry)
        {
            var actions = new List<TableTransactionAction>
            {
                storedHead is null
                    ? new(TableTransactionActionType.Add, head.ToEntity(partition))
                    : new(TableTransactionActionType.UpdateReplace, head.ToEntity(partition), storedHead.ETag),
            };
            if (removed)
            {
                actions.Add(new(TableTransactionActionType.Delete, storedEntry!, ETag.All));
            }
            else if (written is not null)
            {
                actions.Add(new(storedEntry is null ? TableTransactionActionType.Add : TableTransactionActionType.UpdateReplace, written.ToEntity(partition, accountKey), ETag.All));
            }

            // The head's ETag guards the whole partition: the other rows are written unconditionally.
            actions.AddRange(rows.Values.Select(r => r.Delete
                ? new TableTransactionAction(TableTransactionActionType.Delete, r.Row, ETag.All)
                : new TableTransactionAction(TableTransactionActionType.UpsertReplace, r.Row)));
            return actions;
        }

        private void Delete(TableEntity row) => rows[row.RowKey] = (true, row);

        private void Write(TableEntity row) => rows[row.RowKey] = (false, row);
    }
}
