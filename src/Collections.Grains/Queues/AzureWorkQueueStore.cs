using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Queues;
using Collections.Grains.Storage;

namespace Collections.Grains.Queues;

/// <summary>
/// Work queues on Azure Table storage (table <c>CollectionsWorkQueues</c>). A lender's accounts are spread
/// over <see cref="Shards"/> partitions (<c>{serviceId}|{lender}|{shard}</c>, the shard a stable hash of the
/// account), each holding, for its accounts:
/// <list type="bullet">
/// <item><c>e|{account}</c>: the entry, the row key of its list row, and the lease (holder, team, expiry);</item>
/// <item><c>r|{stage}|{priority}|{account}</c>: the stage's ready list, in priority order (a walk is one range query);</item>
/// <item><c>w|{stage}|{callable-at}|{account}</c>: the entries not callable yet, by the instant they become
/// callable; a walk first moves the due ones to the ready list, so it never passes over the accounts in a
/// 7-day wait or outside their hours;</item>
/// <item><c>l|{team}|{account}</c>: the team's leases (its count is one range query);</item>
/// <item><c>counts</c>: entries per stage and segment.</item>
/// </list>
/// Where the Redis store runs a Lua script, this one writes one entity-group transaction in the account's
/// partition, guarded by the ETag of the account's <c>e|</c> row (and of <c>counts</c> when the counts
/// change): a writer that read a stale row fails with 412 and decides again on what is stored now. That
/// compare-and-set is what keeps two collectors off one account: of concurrent leases, one replaces the
/// row at the ETag it read and the others fail and then see a live lease.
/// </summary>
public sealed class AzureWorkQueueStore : IWorkQueueStore
{
    public const string TableName = "CollectionsWorkQueues";

    /// <summary>Partitions per lender: one lender's queue writes spread over them, and a walk reads them all in parallel.</summary>
    public const int Shards = 8;

    private const string CountsRow = "counts";

    /// <summary>Due entries one walk moves to a ready list at most (bounds a walk's time, as the Redis store's scan does).</summary>
    private const int MaxMoves = 2_000;

    /// <summary>Due entries moved to a ready list per transaction: three operations each, within 100.</summary>
    private const int MovesPerTransaction = 33;

    private readonly Lazy<Task<TableClient>> table;
    private readonly string serviceId;
    private readonly KeyedLocks countWriters = new();

    public AzureWorkQueueStore(TableServiceClient service, string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        table = AzureTables.Lazily(service, TableName);
        this.serviceId = serviceId;
    }

    public async Task SetAsync(string lenderId, string accountRef, WorkQueueEntry? entry)
    {
        var client = await table.Value;
        var partition = Partition(lenderId, AzureTables.Shard(accountRef, Shards));
        var json = entry is null ? null : JsonSerializer.Serialize(entry, DomainJson.Options);
        while (true)
        {
            var stored = await Read(client, partition, EntryRow(accountRef));
            var old = stored is null ? null : JsonSerializer.Deserialize<WorkQueueEntry>(stored.GetString("Entry")!, DomainJson.Options);
            if (stored?.GetString("Entry") == json)
            {
                return;
            }

            var keep = entry is not null && old is not null && old.Stage == entry.Stage && old.Segment == entry.Segment;
            var lease = keep ? Lease.Of(stored!) : Lease.None;
            var actions = new List<TableTransactionAction>();
            var listRow = entry is null ? null : ListRow(entry);
            if (stored is not null && stored.GetString("List") is { } oldList && oldList != listRow)
            {
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(partition, oldList), ETag.All));
            }

            if (stored is not null && !keep && Lease.Of(stored).Team is { Length: > 0 } oldTeam)
            {
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(partition, LeaseRow(oldTeam, accountRef)), ETag.All));
            }

            if (entry is null)
            {
                actions.Add(new(TableTransactionActionType.Delete, stored!, stored!.ETag));
            }
            else
            {
                var list = new TableEntity(partition, listRow)
                {
                    ["Entry"] = json, ["Segment"] = entry.Segment ?? string.Empty, ["LeaseExpiry"] = lease.Expiry,
                    ["Account"] = accountRef, ["Ready"] = ReadyRow(entry),
                };
                actions.Add(new(TableTransactionActionType.UpsertReplace, list));
                var row = new TableEntity(partition, EntryRow(accountRef)) { ["Entry"] = json, ["List"] = listRow };
                lease.WriteTo(row);
                actions.Add(stored is null ? new(TableTransactionActionType.Add, row) : new(TableTransactionActionType.UpdateReplace, row, stored.ETag));
            }

            if (Scope(old) == Scope(entry))
            {
                if (await TrySubmitAsync(client, actions))
                {
                    return;
                }

                continue;
            }

            // The counts change only when an entry comes, goes or changes stage or segment, so other updates
            // (priority, callable-at) never wait for the partition's counts row; this process's writers of
            // it take turns rather than race for its ETag (other processes' are kept out by the ETag).
            using (await countWriters.EnterAsync(partition))
            {
                var countsRow = await Read(client, partition, CountsRow);
                var counts = Counts.Of(countsRow);
                counts.Add(Scope(old), -1);
                counts.Add(Scope(entry), 1);
                actions.Add(counts.Action(partition, countsRow));
                if (await TrySubmitAsync(client, actions))
                {
                    return;
                }
            }
        }
    }

    public async Task<IReadOnlyList<WorkQueueEntry>> CandidatesAsync(string lenderId, IReadOnlyList<Stage> stages, IReadOnlyList<string> segments, DateTimeOffset now, int limit)
    {
        var client = await table.Value;
        var found = await Task.WhenAll(
            from shard in Enumerable.Range(0, Shards)
            from stage in stages
            select CandidatesAsync(client, Partition(lenderId, shard), stage, segments, now.ToUnixTimeMilliseconds(), limit));
        return WorkQueueOrder.Merge(found.SelectMany(f => f), limit);
    }

    public async Task<bool> TryLeaseAsync(string lenderId, string accountRef, WorkLease lease, DateTimeOffset now)
    {
        var client = await table.Value;
        var partition = Partition(lenderId, AzureTables.Shard(accountRef, Shards));
        var taken = new Lease(lease.Holder, lease.TeamId, lease.ExpiresAt.ToUnixTimeMilliseconds());
        while (true)
        {
            if (await Read(client, partition, EntryRow(accountRef)) is not { } stored)
            {
                return false;
            }

            var current = Lease.Of(stored);
            if (current.Expiry > now.ToUnixTimeMilliseconds())
            {
                return false;
            }

            if (await TrySubmitAsync(client, LeaseActions(partition, accountRef, stored, current, taken)))
            {
                return true;
            }
        }
    }

    public async Task<LeaseRelease> ReleaseAsync(string lenderId, string accountRef, string? holder, DateTimeOffset now)
    {
        var client = await table.Value;
        var partition = Partition(lenderId, AzureTables.Shard(accountRef, Shards));
        while (true)
        {
            if (await Read(client, partition, EntryRow(accountRef)) is not { } stored || Lease.Of(stored) is not { Team.Length: > 0 } current)
            {
                return LeaseRelease.NotLeased;
            }

            var live = current.Expiry > now.ToUnixTimeMilliseconds();
            if (live && holder is not null && current.Holder != holder)
            {
                return LeaseRelease.HeldByAnother;
            }

            if (await TrySubmitAsync(client, LeaseActions(partition, accountRef, stored, current, Lease.None)))
            {
                return live ? LeaseRelease.Released : LeaseRelease.NotLeased;
            }
        }
    }

    public async Task<TeamQueueCounts> CountAsync(string lenderId, string teamId, IReadOnlyList<Stage> stages, IReadOnlyList<string> segments, DateTimeOffset now)
    {
        var client = await table.Value;
        var shards = await Task.WhenAll(Enumerable.Range(0, Shards).Select(async shard =>
        {
            var partition = Partition(lenderId, shard);
            var counts = Counts.Of(await Read(client, partition, CountsRow));
            var queued = counts.Values
                .Where(c => Enum.TryParse<Stage>(c.Key.Split('|', 2)[0], out var stage) && stages.Contains(stage)
                    && WorkQueueOrder.InSegments(segments, c.Key.Split('|', 2)[1] is { Length: > 0 } segment ? segment : null))
                .Sum(c => c.Value);
            var (from, to) = Range(LeaseRow(teamId, string.Empty));
            var leased = 0L;
            await foreach (var _ in client.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {to} and Expiry gt {now.ToUnixTimeMilliseconds()}"),
                select: ["RowKey"]))
            {
                leased++;
            }

            return (queued, leased);
        }));
        return new TeamQueueCounts(shards.Sum(s => s.queued), shards.Sum(s => s.leased));
    }

    /// <summary>One stage of one shard: the due waiting entries moved to the ready list, then the ready list's first callable, unleased entries.</summary>
    private async Task<List<WorkQueueEntry>> CandidatesAsync(TableClient client, string partition, Stage stage, IReadOnlyList<string> segments, long now, int limit)
    {
        var (waiting, dueBy) = (WaitingPrefix(stage), WaitingPrefix(stage) + AzureTables.Sortable(now + 1));
        var due = new List<TableEntity>();
        await foreach (var row in client.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {waiting} and RowKey lt {dueBy}")))
        {
            due.Add(row);
            if (due.Count == MaxMoves)
            {
                break;
            }
        }

        foreach (var batch in due.Chunk(MovesPerTransaction))
        {
            if (!await TrySubmitAsync(client, [.. batch.SelectMany(row => MoveActions(partition, row))]))
            {
                // One of them changed meanwhile (its account wrote a new entry, or another walk moved it):
                // move the others one by one, leaving that one to whoever changed it.
                foreach (var row in batch)
                {
                    await TrySubmitAsync(client, MoveActions(partition, row));
                }
            }
        }

        var found = new List<WorkQueueEntry>();
        var (from, to) = Range(ReadyPrefix(stage));
        await foreach (var row in client.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {to} and LeaseExpiry le {now}"),
            maxPerPage: Math.Min(limit, 1000)))
        {
            if (WorkQueueOrder.InSegments(segments, row.GetString("Segment") is { Length: > 0 } segment ? segment : null))
            {
                found.Add(JsonSerializer.Deserialize<WorkQueueEntry>(row.GetString("Entry")!, DomainJson.Options)!);
                if (found.Count == limit)
                {
                    break;
                }
            }
        }

        return found;
    }

    /// <summary>
    /// A due waiting row to the ready list: deleted at the ETag it was read with (so a row its account
    /// rewrote meanwhile stays), added as a ready row, and the account's row pointed at it.
    /// </summary>
    private static TableTransactionAction[] MoveActions(string partition, TableEntity waiting)
    {
        var ready = new TableEntity(partition, waiting.GetString("Ready")!)
        {
            ["Entry"] = waiting.GetString("Entry"), ["Segment"] = waiting.GetString("Segment"), ["LeaseExpiry"] = waiting.GetInt64("LeaseExpiry"),
            ["Account"] = waiting.GetString("Account"), ["Ready"] = waiting.GetString("Ready"),
        };
        var account = new TableEntity(partition, EntryRow(waiting.GetString("Account")!)) { ["List"] = ready.RowKey };
        return
        [
            new(TableTransactionActionType.Delete, waiting, waiting.ETag),
            new(TableTransactionActionType.UpsertReplace, ready),
            new(TableTransactionActionType.UpdateMerge, account, ETag.All),
        ];
    }

    /// <summary>The account's row at the ETag read, its list row's lease expiry (what a walk filters on), and the team's lease rows.</summary>
    private static List<TableTransactionAction> LeaseActions(string partition, string accountRef, TableEntity stored, Lease current, Lease next)
    {
        var row = new TableEntity(partition, stored.RowKey);
        next.WriteTo(row);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateMerge, row, stored.ETag),
            new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, stored.GetString("List")) { ["LeaseExpiry"] = next.Expiry }, ETag.All),
        };
        if (current.Team is { Length: > 0 } && current.Team != next.Team)
        {
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(partition, LeaseRow(current.Team, accountRef)), ETag.All));
        }

        if (next.Team.Length > 0)
        {
            actions.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(partition, LeaseRow(next.Team, accountRef)) { ["Expiry"] = next.Expiry }));
        }

        return actions;
    }

    /// <summary>Submits one transaction; false when a row it was premised on changed (412), appeared (409) or went (404).</summary>
    private static async Task<bool> TrySubmitAsync(TableClient client, IReadOnlyList<TableTransactionAction> actions)
    {
        try
        {
            await client.SubmitTransactionAsync(actions);
            return true;
        }
        catch (RequestFailedException failure) when (AzureTables.IsConflict(failure) || failure.Status == 404)
        {
            return false;
        }
    }

    private static async Task<TableEntity?> Read(TableClient client, string partition, string row)
    {
        var found = await client.GetEntityIfExistsAsync<TableEntity>(partition, row);
        return found.HasValue ? found.Value : null;
    }

    private string Partition(string lenderId, int shard) => $"{AzureTables.Partition(serviceId, lenderId)}|{shard:D2}";

    private static string EntryRow(string accountRef) => "e|" + AzureTables.Escape(accountRef);

    private static string ReadyPrefix(Stage stage) => $"r|{stage}|";

    private static string WaitingPrefix(Stage stage) => $"w|{stage}|";

    private static string ReadyRow(WorkQueueEntry entry) => $"{ReadyPrefix(entry.Stage)}{entry.Priority}|{AzureTables.Escape(entry.AccountRef)}";

    /// <summary>The entry's row in its stage's lists: waiting until its callable-at, else ready.</summary>
    private static string ListRow(WorkQueueEntry entry) => entry.CallableAt is { } at
        ? $"{WaitingPrefix(entry.Stage)}{AzureTables.Sortable(at.ToUnixTimeMilliseconds())}|{AzureTables.Escape(entry.AccountRef)}"
        : ReadyRow(entry);

    private static string LeaseRow(string teamId, string accountRef) => $"l|{AzureTables.Escape(teamId)}|{AzureTables.Escape(accountRef)}";

    /// <summary>The row keys that start with <paramref name="prefix"/> (which ends in '|'): from it to the same with '}' after '|'.</summary>
    private static (string From, string To) Range(string prefix) => (prefix, prefix[..^1] + "}");

    private static string? Scope(WorkQueueEntry? entry) => entry is null ? null : $"{entry.Stage}|{entry.Segment}";

    /// <summary>A lease as the account's row keeps it; <see cref="None"/> is no lease (empty team, expiry 0).</summary>
    private sealed record Lease(string Holder, string Team, long Expiry)
    {
        public static readonly Lease None = new(string.Empty, string.Empty, 0);

        public static Lease Of(TableEntity row) =>
            new(row.GetString("LeaseHolder") ?? string.Empty, row.GetString("LeaseTeam") ?? string.Empty, row.GetInt64("LeaseExpiry") ?? 0);

        public void WriteTo(TableEntity row) => (row["LeaseHolder"], row["LeaseTeam"], row["LeaseExpiry"]) = (Holder, Team, Expiry);
    }

    /// <summary>A partition's entries per <c>{stage}|{segment}</c>.</summary>
    private sealed class Counts
    {
        public Dictionary<string, long> Values { get; private init; } = new(StringComparer.Ordinal);

        public static Counts Of(TableEntity? row) => new()
        {
            Values = row?.GetString("Counts") is { } json ? JsonSerializer.Deserialize<Dictionary<string, long>>(json)! : new(StringComparer.Ordinal),
        };

        public void Add(string? scope, long delta)
        {
            if (scope is not null)
            {
                Values[scope] = Values.GetValueOrDefault(scope) + delta;
            }
        }

        public TableTransactionAction Action(string partition, TableEntity? stored)
        {
            var row = new TableEntity(partition, CountsRow) { ["Counts"] = JsonSerializer.Serialize(Values) };
            return stored is null ? new(TableTransactionActionType.Add, row) : new(TableTransactionActionType.UpdateReplace, row, stored.ETag);
        }
    }
}
