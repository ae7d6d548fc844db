using System.Text.Json;
using Collections.Grains.Storage;
using StackExchange.Redis;

namespace Collections.Cluster.Tests.Infrastructure;

/// <summary>What an account's audit trail in Redis looks like, read through the production event store.</summary>
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
