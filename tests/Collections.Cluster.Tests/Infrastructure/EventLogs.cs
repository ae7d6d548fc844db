using System.Text.Json;
using Azure.Data.Tables;
using Collections.Grains.Storage;
using StackExchange.Redis;

namespace Collections.Cluster.Tests.Infrastructure;

/// <summary>What an account's audit trail in the cluster's store looks like, read through the production event store.</summary>
public sealed record AccountLog(string AccountRef, long SnapshotVersion, IReadOnlyList<JsonElement> Events)
{
    /// <summary>Every way the log can be wrong; empty when it is complete, gap-free and free of duplicates.</summary>
    public IEnumerable<string> Problems()
    {
        if (Events.Count == 0)
        {
            yield return $"{AccountRef}: no events";
            yield break;
        }

        for (var i = 0; i < Events.Count; i++)
        {
            var seq = Events[i].GetProperty("seq").GetInt64();
            if (seq != i + 1)
            {
                yield return $"{AccountRef}: event #{i + 1} has seq {seq} (a gap or a duplicate)";
            }
        }

        if (SnapshotVersion != Events.Count)
        {
            yield return $"{AccountRef}: snapshot at version {SnapshotVersion} but {Events.Count} events";
        }

        var types = Events.Select(e => e.GetProperty("type").GetString()).ToList();
        if (types[0] != "AccountOpened" || types.Count(t => t == "AccountOpened") != 1)
        {
            yield return $"{AccountRef}: AccountOpened is not exactly the first and only opening ({string.Join(",", types)})";
        }

        var stages = Events.Where(e => e.GetProperty("type").GetString() == "StageEntered")
            .Select(e => e.GetProperty("data").GetProperty("stage").GetString()).ToList();
        if (stages.Count != stages.Distinct().Count())
        {
            yield return $"{AccountRef}: a stage was entered twice ({string.Join(",", stages)})";
        }

        // The test never changes a record, so an update means an import line was applied twice.
        if (types.Contains("AccountUpdated"))
        {
            yield return $"{AccountRef}: AccountUpdated although the record never changed";
        }
    }
}

public static class EventLogs
{
    /// <summary>The logs of the given accounts in whichever store the cluster runs on.</summary>
    public static async Task<Dictionary<string, AccountLog?>> ReadAsync(LocalCluster cluster, IEnumerable<string> accountRefs)
    {
        if (cluster.Store == ClusterStore.Redis)
        {
            await using var redis = await cluster.Redis.ConnectAsync();
            return await ReadAsync(redis, accountRefs);
        }

        return await ReadAsync(cluster.Azurite, accountRefs);
    }

    /// <summary>
    /// Reads the logs from Azure Tables with one scan of the accounts table: Azurite answers every query by
    /// visiting the whole table, so a query per account would cost the square of the accounts. The scan
    /// is paged, and an escalation appended between two pages can leave a partition's rows read half before
    /// and half after it (events and snapshot disagree); such accounts are read again one by one.
    /// </summary>
    public static async Task<Dictionary<string, AccountLog?>> ReadAsync(AzuriteServer azurite, IEnumerable<string> accountRefs)
    {
        var store = new AzureAccountEventStore(azurite.Tables(), LocalCluster.ServiceId);
        var found = new Dictionary<string, (long? Version, List<string> Events)>(StringComparer.Ordinal);
        await foreach (var row in azurite.Tables().GetTableClient(AzureAccountEventStore.TableName).QueryAsync<TableEntity>(maxPerPage: 1000))
        {
            if (!found.TryGetValue(row.PartitionKey, out var account))
            {
                found[row.PartitionKey] = account = (null, []);
            }

            if (row.RowKey == AzureAccountEventStore.SnapshotRow)
            {
                found[row.PartitionKey] = account with { Version = row.GetInt64("Version") };
            }
            else
            {
                account.Events.AddRange(AzureAccountEventStore.EventsOf(row));
            }
        }

        var result = new System.Collections.Concurrent.ConcurrentDictionary<string, AccountLog?>();
        await Parallel.ForEachAsync(accountRefs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (accountRef, _) =>
        {
            var key = $"{Accounts.Lender}/{accountRef}";
            if (!found.TryGetValue(store.PartitionKey(key), out var account))
            {
                result[accountRef] = null;
                return;
            }

            // Event rows without a snapshot cannot come from paging (both are written together): reported as version 0.
            var (version, events) = account.Version is { } v && v != account.Events.Count ? await ReadOneAsync(store, key) : account;
            result[accountRef] = new AccountLog(accountRef, version ?? 0, [.. events.Select(e => JsonDocument.Parse(e).RootElement)]);
        });
        return new Dictionary<string, AccountLog?>(result);
    }

    /// <summary>
    /// One account's log through the store: the snapshot first, then the events. A log only grows, in the
    /// same atomic write as its snapshot, so events that number exactly the snapshot's version are the log
    /// at that snapshot; more means an append came meanwhile, and the pair is read again while the version
    /// moves. What stays inconsistent is returned as found, for the test to report.
    /// </summary>
    private static async Task<(long? Version, List<string> Events)> ReadOneAsync(AzureAccountEventStore store, string key)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await store.LoadAsync(key) is not { } snapshot)
            {
                return (null, [.. await store.ReadEventsAsync(key, 0, int.MaxValue)]);
            }

            var events = await store.ReadEventsAsync(key, 0, int.MaxValue);
            if (events.Count == snapshot.Version || attempt == 5 || (await store.LoadAsync(key))?.Version == snapshot.Version)
            {
                return (snapshot.Version, [.. events]);
            }
        }
    }

    /// <summary>
    /// Reads the logs of the given accounts, many at a time; each account's events and snapshot in one
    /// transaction, so that an escalation appended meanwhile cannot make them look inconsistent.
    /// </summary>
    public static async Task<Dictionary<string, AccountLog?>> ReadAsync(IConnectionMultiplexer redis, IEnumerable<string> accountRefs)
    {
        var keys = new RedisAccountEventStore(redis, LocalCluster.ServiceId);
        var database = redis.GetDatabase();
        var result = new System.Collections.Concurrent.ConcurrentDictionary<string, AccountLog?>();
        await Parallel.ForEachAsync(accountRefs, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (accountRef, _) =>
        {
            var key = $"{Accounts.Lender}/{accountRef}";
            var transaction = database.CreateTransaction();
            var events = transaction.ListRangeAsync(keys.EventsKey(key));
            var snapshot = transaction.StringGetAsync(keys.SnapshotKey(key));
            Assert.True(await transaction.ExecuteAsync());
            if ((await snapshot).IsNull)
            {
                result[accountRef] = null;
                return;
            }

            var snapshotVersion = JsonDocument.Parse((string)(await snapshot)!).RootElement.GetProperty("version").GetInt64();
            result[accountRef] = new AccountLog(accountRef, snapshotVersion, [.. (await events).Select(e => JsonDocument.Parse((string)e!).RootElement)]);
        });
        return new Dictionary<string, AccountLog?>(result);
    }
}
