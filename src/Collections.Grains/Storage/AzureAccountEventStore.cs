using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Collections.Grains.Storage;

/// <summary>
/// The event store on Azure Table storage. Each account is one partition (<c>{serviceId}|{account key}</c>)
/// of the <c>CollectionsAccounts</c> table: the row <c>snapshot</c> holds the state and the log's length,
/// and rows <c>e{last sequence number}</c> hold the events of one append. An append is one entity-group
/// transaction — the snapshot replaced at its ETag (or added, for a new account) and the event rows
/// added — so state and history change together or not at all, and a writer with a stale version fails.
/// </summary>
public sealed class AzureAccountEventStore : IAccountEventStore
{
    public const string TableName = "CollectionsAccounts";

    /// <summary>The row key of an account's snapshot; it sorts after the event rows (<c>e…</c>) of its partition.</summary>
    public const string SnapshotRow = "snapshot";

    /// <summary>Events per row are packed up to this many characters (an entity holds at most 1 MiB).</summary>
    private const int RowChars = 200_000;

    /// <summary>A transaction's request may be 4 MiB: the largest append, snapshot included, in characters.</summary>
    private const int AppendChars = 1_000_000;

    /// <summary>An entity-group transaction holds at most 100 operations: the snapshot and 99 event rows.</summary>
    private const int MaxRows = 99;

    /// <summary>Bounds the cache of snapshot ETags; a miss costs one point read before an append.</summary>
    private const int CachedETags = 100_000;

    private readonly Lazy<Task<TableClient>> table;
    private readonly string serviceId;

    // The ETag each account's snapshot had when this process last read or wrote it: an activation loads
    // once and appends many times, and with the ETag at hand an append is one request.
    private readonly ConcurrentDictionary<string, (long Version, ETag ETag)> etags = new(StringComparer.Ordinal);

    /// <param name="service">The storage account's table service.</param>
    /// <param name="serviceId">Prefix of every partition key (the Orleans service id).</param>
    public AzureAccountEventStore(TableServiceClient service, string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        table = AzureTables.Lazily(service, TableName);
        this.serviceId = serviceId;
    }

    /// <summary>The account's partition key.</summary>
    public string PartitionKey(string accountKey) => AzureTables.Partition(serviceId, accountKey);

    /// <summary>The row of the events of one append, named by its last sequence number so that a read from any sequence number starts with one range query.</summary>
    public static string EventsRow(long lastSeq) => "e" + lastSeq.ToString("D19", CultureInfo.InvariantCulture);

    public async Task<StoredSnapshot?> LoadAsync(string accountKey)
    {
        var current = await ReadSnapshotAsync(accountKey);
        return current is null ? null : new StoredSnapshot(current.Value.Version, Encoding.UTF8.GetBytes(current.Value.State));
    }

    public async Task<bool> AppendAsync(string accountKey, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, ReadOnlyMemory<byte> snapshotJson)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);

        // Table properties are strings.
        var state = Encoding.UTF8.GetString(snapshotJson.Span);
        var rows = Pack(accountKey, expectedVersion, [.. events.Select(e => Encoding.UTF8.GetString(e.Span))], state);

        // A new account is added without a read; a known one is written at the ETag this process has.
        (long Version, ETag ETag)? known = etags.TryGetValue(accountKey, out var cached) ? cached : null;
        var fresh = false;
        if (known is null && expectedVersion > 0)
        {
            known = await ReadVersionAsync(accountKey);
            fresh = true;
        }

        while (true)
        {
            if (known is { } k ? k.Version != expectedVersion : expectedVersion != 0)
            {
                return false;
            }

            var snapshot = new TableEntity(PartitionKey(accountKey), SnapshotRow) { ["Version"] = expectedVersion + events.Count };
            AzureTables.SetText(snapshot, "State", state);
            TableTransactionAction write = known is { } at
                ? new(TableTransactionActionType.UpdateReplace, snapshot, at.ETag)
                : new(TableTransactionActionType.Add, snapshot);
            try
            {
                var responses = await (await table.Value).SubmitTransactionAsync([write, .. rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r))]);
                if (responses.Value[0].Headers.ETag is { } etag)
                {
                    Remember(accountKey, expectedVersion + events.Count, etag);
                }

                return true;
            }
            catch (RequestFailedException failure) when (AzureTables.IsConflict(failure))
            {
                etags.TryRemove(accountKey, out _);
                if (fresh)
                {
                    return false;
                }

                // What this process knew was stale: decide on what is stored now.
                known = await ReadVersionAsync(accountKey);
                fresh = true;
            }
        }
    }

    public async Task<IReadOnlyList<string>> ReadEventsAsync(string accountKey, long afterSeq, int limit)
    {
        if (limit <= 0)
        {
            return [];
        }

        var after = Math.Max(afterSeq, 0);
        var partition = PartitionKey(accountKey);
        var from = EventsRow(after + 1);
        var read = new List<string>(Math.Min(limit, 1000));
        var query = (await table.Value).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {"f"}"));
        await foreach (var row in query)
        {
            var seq = row.GetInt64("First")!.Value;
            foreach (var e in EventsOf(row))
            {
                if (seq++ > after)
                {
                    read.Add(e);
                    if (read.Count == limit)
                    {
                        return read;
                    }
                }
            }
        }

        return read;
    }

    /// <summary>
    /// The snapshot rows of this service's partitions, page by page (a table scan selecting only the keys:
    /// an admin operation, as the interface says).
    /// </summary>
    public async IAsyncEnumerable<string> ListAccountKeysAsync()
    {
        var (from, to) = (serviceId + "|", serviceId + "}");
        var query = (await table.Value).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey gt {from} and PartitionKey lt {to} and RowKey eq {SnapshotRow}"),
            maxPerPage: 1000, select: ["PartitionKey"]);
        await foreach (var row in query)
        {
            yield return AzureTables.Unescape(row.PartitionKey[from.Length..]);
        }
    }

    private async Task<(long Version, string State)?> ReadSnapshotAsync(string accountKey)
    {
        var found = await (await table.Value).GetEntityIfExistsAsync<TableEntity>(PartitionKey(accountKey), SnapshotRow);
        if (!found.HasValue || found.Value is not { } entity)
        {
            etags.TryRemove(accountKey, out _);
            return null;
        }

        var version = entity.GetInt64("Version")!.Value;
        Remember(accountKey, version, entity.ETag);
        return (version, AzureTables.GetText(entity, "State")!);
    }

    private async Task<(long Version, ETag ETag)?> ReadVersionAsync(string accountKey) =>
        await ReadSnapshotAsync(accountKey) is { } stored ? (stored.Version, etags.GetValueOrDefault(accountKey).ETag) : null;

    private void Remember(string accountKey, long version, ETag etag)
    {
        if (etags.Count >= CachedETags)
        {
            etags.Clear();
        }

        etags[accountKey] = (version, etag);
    }

    /// <summary>The event rows of an append: events in order, as few rows as fit.</summary>
    private List<TableEntity> Pack(string accountKey, long expectedVersion, IReadOnlyList<string> events, string snapshotJson)
    {
        var total = snapshotJson.Length + events.Sum(e => e.Length + 8);
        if (total > AppendChars)
        {
            throw new ArgumentException(
                $"An append of {events.Count} events and a snapshot of {total} characters is larger than one Azure Table transaction holds ({AppendChars}).", nameof(events));
        }

        var rows = new List<TableEntity>();
        var text = new StringBuilder();
        var first = expectedVersion + 1;
        for (var i = 0; i < events.Count; i++)
        {
            text.Append(events[i].Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(events[i]);
            var seq = expectedVersion + i + 1;
            if (i == events.Count - 1 || text.Length + events[i + 1].Length + 8 > RowChars)
            {
                var row = new TableEntity(PartitionKey(accountKey), EventsRow(seq)) { ["First"] = first };
                AzureTables.SetText(row, "Events", text.ToString());
                rows.Add(row);
                text.Clear();
                first = seq + 1;
            }
        }

        return rows.Count <= MaxRows
            ? rows
            : throw new ArgumentException($"An append of {events.Count} events needs {rows.Count} rows; one Azure Table transaction holds {MaxRows}.", nameof(events));
    }

    /// <summary>The events an event row holds, in order: each as its length, ':', and its text (no escaping, so no growth).</summary>
    public static IEnumerable<string> EventsOf(TableEntity eventsRow)
    {
        var text = AzureTables.GetText(eventsRow, "Events")!;
        for (var at = 0; at < text.Length;)
        {
            var colon = text.IndexOf(':', at);
            var length = int.Parse(text.AsSpan(at, colon - at), CultureInfo.InvariantCulture);
            yield return text.Substring(colon + 1, length);
            at = colon + 1 + length;
        }
    }
}
