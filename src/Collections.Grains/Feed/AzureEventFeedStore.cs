using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Collections.Grains.Storage;

namespace Collections.Grains.Feed;

/// <summary>
/// Feeds on Azure Table storage (table <c>CollectionsFeeds</c>). Each feed is one partition
/// (<c>{serviceId}|{feed}</c>): row <c>head</c> holds the number of the feed's last entry, rows
/// <c>n|{number}</c> the entries (their JSON and when they were published), and rows <c>m|{account}</c>
/// each account's watermark. Where the Redis store runs one script, a publish here is one entity-group
/// transaction: the head replaced at its ETag, the watermark at its ETag (or added) and the new entries
/// added, so an event is in the feed exactly once and numbers are never reused; a writer that read a
/// stale head or watermark fails with 412 and decides again on what is stored now.
/// </summary>
/// <remarks>
/// Every publish to a feed moves its head, so the publishes of one feed in this process are grouped:
/// the accounts waiting while one transaction is in flight go together in the next (up to 100 operations),
/// which keeps one lender's feed from being a queue of round trips. Entries older than the retention are
/// deleted by the publisher at most once a minute per feed.
/// </remarks>
public sealed class AzureEventFeedStore : IEventFeedStore
{
    public const string TableName = "CollectionsFeeds";

    private const string HeadRow = "head";

    /// <summary>An entity-group transaction holds at most 100 operations: the head and 99 watermarks and entries.</summary>
    private const int MaxOperations = 99;

    private static readonly TimeSpan TrimEvery = TimeSpan.FromMinutes(1);

    private readonly Lazy<Task<TableClient>> table;
    private readonly string serviceId;
    private readonly TimeSpan retention;
    private readonly TimeProvider time;
    private readonly ConcurrentDictionary<string, Writer> writers = new(StringComparer.Ordinal);

    public AzureEventFeedStore(TableServiceClient service, string serviceId, TimeSpan retention, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        table = AzureTables.Lazily(service, TableName);
        (this.serviceId, this.retention, this.time) = (serviceId, retention, time);
    }

    public Task PublishAsync(string feed, string accountKey, long through, IReadOnlyList<FeedItem> items)
    {
        var request = new Request(accountKey, through, items);
        var writer = writers.GetOrAdd(feed, f => new Writer(this, f));
        writer.Enqueue(request);
        return request.Done.Task;
    }

    public async Task<long> PublishedThroughAsync(string feed, string accountKey)
    {
        var found = await (await table.Value).GetEntityIfExistsAsync<TableEntity>(Partition(feed), WatermarkRow(accountKey));
        return found.HasValue ? found.Value!.GetInt64("Through") ?? 0 : 0;
    }

    public async Task<IReadOnlyList<FeedEntry>> ReadAsync(string feed, string? after, int limit)
    {
        var from = EntryRow(after is null ? 0 : long.Parse(after.AsSpan(after.IndexOf('-', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture));
        var entries = new List<FeedEntry>(Math.Min(limit, 1000));
        await foreach (var row in (await table.Value).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {Partition(feed)} and RowKey gt {from} and RowKey lt {"n}"}"), maxPerPage: Math.Min(limit, 1000)))
        {
            entries.Add(new FeedEntry(Cursor(row.GetInt64("N")!.Value), AzureTables.GetText(row, "Json")!));
            if (entries.Count == limit)
            {
                break;
            }
        }

        return entries;
    }

    public async Task<string?> EndAsync(string feed)
    {
        var found = await (await table.Value).GetEntityIfExistsAsync<TableEntity>(Partition(feed), HeadRow);
        return found.HasValue && found.Value!.GetInt64("Last") is > 0 and var last ? Cursor(last) : null;
    }

    private string Partition(string feed) => AzureTables.Partition(serviceId, feed);

    private static string EntryRow(long n) => "n|" + AzureTables.Sortable(n);

    private static string WatermarkRow(string accountKey) => "m|" + AzureTables.Escape(accountKey);

    private static string Cursor(long n) => string.Create(CultureInfo.InvariantCulture, $"0-{n}");

    private sealed record Request(string AccountKey, long Through, IReadOnlyList<FeedItem> Items)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>One feed's publishes in this process: one transaction in flight, the requests waiting meanwhile in the next.</summary>
    private sealed class Writer(AzureEventFeedStore store, string feed)
    {
        private readonly Queue<Request> waiting = new();
        private bool running;
        private DateTimeOffset trimmed = DateTimeOffset.MinValue;

        public void Enqueue(Request request)
        {
            lock (waiting)
            {
                waiting.Enqueue(request);
                if (running)
                {
                    return;
                }

                running = true;
            }

            _ = Task.Run(RunAsync);
        }

        private async Task RunAsync()
        {
            while (true)
            {
                List<Request> batch;
                lock (waiting)
                {
                    if (waiting.Count == 0)
                    {
                        running = false;
                        return;
                    }

                    batch = Take();
                }

                try
                {
                    await WriteAsync(batch);
                    foreach (var request in batch)
                    {
                        request.Done.TrySetResult();
                    }

                    await TrimAsync();
                }
                catch (Exception ex)
                {
                    // Fails the batch's publishes (each account retries from its watermark); the writer goes on.
                    foreach (var request in batch)
                    {
                        request.Done.TrySetException(ex);
                    }
                }
            }
        }

        /// <summary>
        /// Waiting requests that fit one transaction, in order, one per account: a request of an account
        /// already in the batch (or left waiting) stays waiting, so each account's publishes keep their order.
        /// </summary>
        private List<Request> Take()
        {
            var batch = new List<Request>();
            var kept = new List<Request>();
            var accounts = new HashSet<string>(StringComparer.Ordinal);
            var operations = 0;
            while (waiting.TryDequeue(out var next))
            {
                var fits = batch.Count == 0 || operations + 1 + next.Items.Count <= MaxOperations;
                if (accounts.Add(next.AccountKey) && fits)
                {
                    batch.Add(next);
                    operations += 1 + next.Items.Count;
                }
                else
                {
                    kept.Add(next);
                }
            }

            foreach (var request in kept)
            {
                waiting.Enqueue(request);
            }

            return batch;
        }

        /// <summary>Writes a batch, each account's new items after its watermark, in transactions of at most 100 operations.</summary>
        private async Task WriteAsync(List<Request> batch)
        {
            var client = await store.table.Value;
            var partition = store.Partition(feed);
            while (true)
            {
                var head = await client.GetEntityIfExistsAsync<TableEntity>(partition, HeadRow);
                var marks = await Task.WhenAll(batch.Select(r => client.GetEntityIfExistsAsync<TableEntity>(partition, WatermarkRow(r.AccountKey))));
                var last = head.HasValue ? head.Value!.GetInt64("Last") ?? 0 : 0;
                var now = store.time.GetUtcNow().ToUnixTimeMilliseconds();
                var actions = new List<TableTransactionAction>();
                var more = false;
                for (var i = 0; i < batch.Count; i++)
                {
                    var mark = marks[i].HasValue ? marks[i].Value : null;
                    var published = mark?.GetInt64("Through") ?? 0;
                    var pending = batch[i].Items.Where(item => item.Seq > published).ToList();

                    // A request larger than one transaction is written in parts, each raising the watermark to its last item.
                    var room = MaxOperations - actions.Count - 1;
                    if (room <= 0)
                    {
                        more = true;
                        continue;
                    }

                    var part = pending.Take(room).ToList();
                    var through = part.Count < pending.Count ? part[^1].Seq : batch[i].Through;
                    more |= part.Count < pending.Count;
                    if (through <= published && part.Count == 0)
                    {
                        continue;
                    }

                    var watermark = new TableEntity(partition, WatermarkRow(batch[i].AccountKey)) { ["Through"] = Math.Max(published, through) };
                    actions.Add(mark is null ? new(TableTransactionActionType.Add, watermark) : new(TableTransactionActionType.UpdateReplace, watermark, mark.ETag));
                    foreach (var item in part)
                    {
                        var entry = new TableEntity(partition, EntryRow(++last)) { ["N"] = last, ["At"] = now };
                        AzureTables.SetText(entry, "Json", item.Text);
                        actions.Add(new(TableTransactionActionType.Add, entry));
                    }
                }

                if (actions.Count == 0)
                {
                    return;
                }

                var newHead = new TableEntity(partition, HeadRow) { ["Last"] = last };
                actions.Add(head.HasValue ? new(TableTransactionActionType.UpdateReplace, newHead, head.Value!.ETag) : new(TableTransactionActionType.Add, newHead));
                try
                {
                    await client.SubmitTransactionAsync(actions);
                    if (!more)
                    {
                        return;
                    }
                }
                catch (RequestFailedException failure) when (AzureTables.IsConflict(failure))
                {
                    // Another process published to this feed first: read the head and the watermarks again.
                }
            }
        }

        /// <summary>Deletes the entries older than the retention, oldest first, at most once a minute.</summary>
        private async Task TrimAsync()
        {
            var now = store.time.GetUtcNow();
            if (now - trimmed < TrimEvery)
            {
                return;
            }

            trimmed = now;
            try
            {
                var client = await store.table.Value;
                var partition = store.Partition(feed);
                var horizon = (now - store.retention).ToUnixTimeMilliseconds();
                var old = new List<TableEntity>();
                await foreach (var row in client.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {"n|"} and RowKey lt {"n}"} and At lt {horizon}"),
                    maxPerPage: 100, select: ["PartitionKey", "RowKey"]))
                {
                    old.Add(row);
                    if (old.Count == 1000)
                    {
                        break;
                    }
                }

                foreach (var chunk in old.Chunk(100))
                {
                    await client.SubmitTransactionAsync([.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All))]);
                }
            }
            catch (RequestFailedException)
            {
                // Best effort, off the publishers' path: entries another process trimmed first (404), or storage
                // not answering, leave the rest for the next trim a minute later.
            }
        }
    }
}
