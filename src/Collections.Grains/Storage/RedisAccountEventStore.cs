using StackExchange.Redis;

namespace Collections.Grains.Storage;

/// <summary>
/// The production event store: each account is a Redis list of its events beside a string holding its
/// snapshot. Both keys carry the account key as a hash tag, so they live in one slot on Redis Cluster and
/// one Lua script can check the log's length, append and replace the snapshot atomically. With
/// <c>appendfsync always</c> Redis replies only after the script's effects are on disk, so an
/// acknowledged append survives a crash of Redis.
/// </summary>
public sealed class RedisAccountEventStore : IAccountEventStore
{
    // ARGV[1] = expected version, ARGV[2] = snapshot, ARGV[3..] = events. RPUSH in chunks because Lua's
    // unpack is limited by the C stack (a few thousand values).
    private static readonly BatchedScript AppendScript = new(
        """
        local length = redis.call('LLEN', KEYS[1])
        if length ~= tonumber(ARGV[1]) then
          return -1 - length
        end
        for first = 3, #ARGV, 500 do
          redis.call('RPUSH', KEYS[1], unpack(ARGV, first, math.min(first + 499, #ARGV)))
        end
        redis.call('SET', KEYS[2], ARGV[2])
        return length + #ARGV - 2
        """);

    // The snapshot and the log's length in one atomic read, so a load never pairs a snapshot with
    // the length of a later (or earlier) append.
    private static readonly BatchedScript LoadScript = new(
        """
        return { redis.call('LLEN', KEYS[1]), redis.call('GET', KEYS[2]) }
        """);

    private readonly IConnectionMultiplexer redis;
    private readonly string keyPrefix;
    private readonly RedisScriptBatcher batcher;

    /// <param name="redis">A connection shared with the rest of the silo.</param>
    /// <param name="keyPrefix">Prefix of every key (the Orleans service id), so that several services can share one Redis.</param>
    public RedisAccountEventStore(IConnectionMultiplexer redis, string keyPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyPrefix);
        if (keyPrefix.Contains('{', StringComparison.Ordinal) || keyPrefix.Contains('}', StringComparison.Ordinal))
        {
            throw new ArgumentException("The key prefix may not contain '{' or '}': they would change the Redis Cluster hash tag.", nameof(keyPrefix));
        }

        this.redis = redis;
        this.keyPrefix = keyPrefix;
        batcher = new(redis);
    }

    private IDatabase Database => redis.GetDatabase();

    /// <summary>The list of an account's events, one JSON document per element, in sequence order.</summary>
    public RedisKey EventsKey(string accountKey) => $"{keyPrefix}/accounts/{{{CheckKey(accountKey)}}}/events";

    /// <summary>The account's snapshot (JSON), written with the append that produced it.</summary>
    public RedisKey SnapshotKey(string accountKey) => $"{keyPrefix}/accounts/{{{CheckKey(accountKey)}}}/snapshot";

    public async Task<StoredSnapshot?> LoadAsync(string accountKey)
    {
        var result = await batcher.EvaluateAsync(LoadScript, [EventsKey(accountKey), SnapshotKey(accountKey)], []);
        var parts = (RedisResult[])result!;
        // The bytes as Redis sent them: the snapshot is deserialized from UTF-8, never decoded to a string first.
        var snapshot = (byte[]?)parts[1];
        return snapshot is null ? null : new StoredSnapshot((long)parts[0], snapshot);
    }

    public async Task<bool> AppendAsync(string accountKey, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, ReadOnlyMemory<byte> snapshotJson)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var args = new RedisValue[events.Count + 2];
        args[0] = expectedVersion;
        args[1] = snapshotJson;
        for (var i = 0; i < events.Count; i++)
        {
            args[i + 2] = events[i];
        }

        var result = (long)await batcher.EvaluateAsync(AppendScript, [EventsKey(accountKey), SnapshotKey(accountKey)], args);
        return result >= 0;
    }

    public async Task<IReadOnlyList<string>> ReadEventsAsync(string accountKey, long afterSeq, int limit)
    {
        if (limit <= 0)
        {
            return [];
        }

        var start = Math.Max(afterSeq, 0);
        var values = await Database.ListRangeAsync(EventsKey(accountKey), start, start + limit - 1);
        return Array.ConvertAll(values, v => (string)v!);
    }

    /// <summary>SCAN over the snapshot keys of every primary (incremental: never a KEYS of the whole store).</summary>
    public async IAsyncEnumerable<string> ListAccountKeysAsync()
    {
        var head = $"{keyPrefix}/accounts/{{";
        const string Tail = "}/snapshot";
        foreach (var server in redis.GetServers().Where(s => !s.IsReplica && s.IsConnected))
        {
            await foreach (var key in server.KeysAsync(Database.Database, $"{Glob(head)}*{Glob(Tail)}", pageSize: 1000))
            {
                var name = key.ToString();
                if (name.StartsWith(head, StringComparison.Ordinal) && name.EndsWith(Tail, StringComparison.Ordinal))
                {
                    yield return name[head.Length..^Tail.Length];
                }
            }
        }
    }

    /// <summary>Escapes the glob characters of a literal part of a SCAN pattern.</summary>
    private static string Glob(string literal) =>
        string.Concat(literal.Select(c => c is '*' or '?' or '[' or ']' or '\\' ? $"\\{c}" : c.ToString()));

    private static string CheckKey(string accountKey) =>
        accountKey.Contains('{', StringComparison.Ordinal) || accountKey.Contains('}', StringComparison.Ordinal)
            ? throw new ArgumentException($"Account key '{accountKey}' may not contain '{{' or '}}'.", nameof(accountKey))
            : accountKey;
}
