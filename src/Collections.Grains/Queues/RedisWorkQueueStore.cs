using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Queues;
using Collections.Grains.Storage;
using StackExchange.Redis;

namespace Collections.Grains.Queues;

/// <summary>
/// Work queues in Redis, every key of a lender under its hash tag (one slot on a Redis Cluster), each
/// change one script. Per lender: a hash of entries (JSON) and one of counts per stage and segment; per
/// stage a <c>ready</c> sorted set (equal scores, so ordered by member: priority, then account) and a
/// <c>waiting</c> set scored by the instant the account becomes callable, whose due members a walk moves
/// to <c>ready</c> first — so a walk passes over leased and stale entries only, never over the accounts
/// in a 7-day wait or outside their hours. Leases: a hash (account → holder, team, expiry), taken by a
/// script only when the entry exists and no lease is live (the atomic step that keeps two collectors off
/// one account), and a sorted set per team for its count.
/// </summary>
public sealed class RedisWorkQueueStore(IConnectionMultiplexer redis, string keyPrefix) : IWorkQueueStore
{
    /// <summary>How far one walk looks into a stage's ready list (bounds the script's time in Redis).</summary>
    public const int MaxScan = 2_000;

    // KEYS: entries, counts, leases. ARGV: prefix, account, entry JSON ('' = remove), stage, segment, member, callable-at ms (0 = now).
    private static readonly BatchedScript SetScript = new(
        """
        local old = redis.call('HGET', KEYS[1], ARGV[2])
        if old == ARGV[3] then return 0 end
        local keep = false
        if old then
          local e = cjson.decode(old)
          local member = e.p .. '|' .. ARGV[2]
          redis.call('ZREM', ARGV[1] .. ':ready:' .. e.s, member)
          redis.call('ZREM', ARGV[1] .. ':waiting:' .. e.s, member)
          redis.call('HINCRBY', KEYS[2], e.s .. '|' .. e.g, -1)
          keep = ARGV[3] ~= '' and e.s == ARGV[4] and e.g == ARGV[5]
        end
        if ARGV[3] == '' then
          redis.call('HDEL', KEYS[1], ARGV[2])
        else
          redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
          if ARGV[7] == '0' then
            redis.call('ZADD', ARGV[1] .. ':ready:' .. ARGV[4], 0, ARGV[6])
          else
            redis.call('ZADD', ARGV[1] .. ':waiting:' .. ARGV[4], ARGV[7], ARGV[6])
          end
          redis.call('HINCRBY', KEYS[2], ARGV[4] .. '|' .. ARGV[5], 1)
        end
        if not keep then
          local lease = redis.call('HGET', KEYS[3], ARGV[2])
          if lease then
            redis.call('ZREM', ARGV[1] .. ':leased:' .. cjson.decode(lease).team, ARGV[2])
            redis.call('HDEL', KEYS[3], ARGV[2])
          end
        end
        return 1
        """);

    // KEYS: entries, leases. ARGV: prefix, now ms, limit, max scan, stage count n, n stages, then the segments (none = all).
    private const string CandidatesScript =
        """
        local now = tonumber(ARGV[2])
        local limit = tonumber(ARGV[3])
        local scan = tonumber(ARGV[4])
        local n = tonumber(ARGV[5])
        local segments = {}
        local any = true
        for i = 6 + n, #ARGV do segments[ARGV[i]] = true; any = false end
        local out = {}
        for i = 6, 5 + n do
          local ready = ARGV[1] .. ':ready:' .. ARGV[i]
          local waiting = ARGV[1] .. ':waiting:' .. ARGV[i]
          for _, m in ipairs(redis.call('ZRANGEBYSCORE', waiting, '-inf', now, 'LIMIT', 0, scan)) do
            redis.call('ZADD', ready, 0, m)
            redis.call('ZREM', waiting, m)
          end
          local found = 0
          local offset = 0
          while found < limit and offset < scan do
            local members = redis.call('ZRANGE', ready, offset, offset + 99)
            if #members == 0 then break end
            offset = offset + #members
            for _, m in ipairs(members) do
              local account = string.match(m, '|(.*)$')
              local json = redis.call('HGET', KEYS[1], account)
              if json then
                local e = cjson.decode(json)
                local lease = redis.call('HGET', KEYS[2], account)
                if (any or segments[e.g]) and (not lease or cjson.decode(lease).exp <= now) then
                  out[#out + 1] = json
                  found = found + 1
                  if found >= limit then break end
                end
              end
            end
          end
        end
        return out
        """;

    // KEYS: entries, leases. ARGV: prefix, account, lease JSON, now ms, team, expiry ms.
    private const string LeaseScript =
        """
        if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 0 then return 0 end
        local current = redis.call('HGET', KEYS[2], ARGV[2])
        if current then
          local l = cjson.decode(current)
          if l.exp > tonumber(ARGV[4]) then return 0 end
          redis.call('ZREM', ARGV[1] .. ':leased:' .. l.team, ARGV[2])
        end
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
        redis.call('ZADD', ARGV[1] .. ':leased:' .. ARGV[5], ARGV[6], ARGV[2])
        return 1
        """;

    // KEYS: leases. ARGV: prefix, account, holder ('' = any), now ms. Returns 1 released, 0 not leased, 2 held by another.
    private const string ReleaseScript =
        """
        local current = redis.call('HGET', KEYS[1], ARGV[2])
        if not current then return 0 end
        local l = cjson.decode(current)
        local live = l.exp > tonumber(ARGV[4])
        if live and ARGV[3] ~= '' and l.h ~= ARGV[3] then return 2 end
        redis.call('HDEL', KEYS[1], ARGV[2])
        redis.call('ZREM', ARGV[1] .. ':leased:' .. l.team, ARGV[2])
        if live then return 1 end
        return 0
        """;

    private readonly RedisScriptBatcher batcher = new(redis);

    private IDatabase Db => redis.GetDatabase();

    public async Task SetAsync(string lenderId, string accountRef, WorkQueueEntry? entry)
    {
        var prefix = Prefix(lenderId);
        RedisValue[] args = entry is null
            ? [prefix, accountRef, string.Empty, string.Empty, string.Empty, string.Empty, 0]
            :
            [
                prefix, accountRef, JsonSerializer.Serialize(StoredEntry.From(entry)), entry.Stage.ToString(), entry.Segment ?? string.Empty,
                WorkQueueOrder.Member(entry), entry.CallableAt?.ToUnixTimeMilliseconds() ?? 0,
            ];
        await batcher.EvaluateAsync(SetScript, [$"{prefix}:entries", $"{prefix}:counts", $"{prefix}:leases"], args);
    }

    public async Task<IReadOnlyList<WorkQueueEntry>> CandidatesAsync(string lenderId, IReadOnlyList<Stage> stages, IReadOnlyList<string> segments, DateTimeOffset now, int limit)
    {
        var prefix = Prefix(lenderId);
        RedisValue[] args =
        [
            prefix, now.ToUnixTimeMilliseconds(), limit, MaxScan, stages.Count,
            .. stages.Select(s => (RedisValue)s.ToString()), .. segments.Select(s => (RedisValue)s),
        ];
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(CandidatesScript, [$"{prefix}:entries", $"{prefix}:leases"], args))!;
        return WorkQueueOrder.Merge(result.Select(r => JsonSerializer.Deserialize<StoredEntry>(r.ToString())!.ToEntry()), limit);
    }

    public async Task<bool> TryLeaseAsync(string lenderId, string accountRef, WorkLease lease, DateTimeOffset now)
    {
        var prefix = Prefix(lenderId);
        var expiry = lease.ExpiresAt.ToUnixTimeMilliseconds();
        var json = JsonSerializer.Serialize(new StoredLease(lease.Holder, lease.TeamId, expiry));
        var result = await Db.ScriptEvaluateAsync(LeaseScript, [$"{prefix}:entries", $"{prefix}:leases"],
            [prefix, accountRef, json, now.ToUnixTimeMilliseconds(), lease.TeamId, expiry]);
        return (long)result == 1;
    }

    public async Task<LeaseRelease> ReleaseAsync(string lenderId, string accountRef, string? holder, DateTimeOffset now)
    {
        var prefix = Prefix(lenderId);
        var result = await Db.ScriptEvaluateAsync(ReleaseScript, [$"{prefix}:leases"], [prefix, accountRef, holder ?? string.Empty, now.ToUnixTimeMilliseconds()]);
        return (long)result switch
        {
            1 => LeaseRelease.Released,
            2 => LeaseRelease.HeldByAnother,
            _ => LeaseRelease.NotLeased,
        };
    }

    public async Task<TeamQueueCounts> CountAsync(string lenderId, string teamId, IReadOnlyList<Stage> stages, IReadOnlyList<string> segments, DateTimeOffset now)
    {
        var prefix = Prefix(lenderId);
        var counts = await Db.HashGetAllAsync($"{prefix}:counts");
        var queued = counts
            .Select(c => (Key: c.Name.ToString().Split('|', 2), Value: long.Parse(c.Value.ToString(), CultureInfo.InvariantCulture)))
            .Where(c => Enum.TryParse<Stage>(c.Key[0], out var stage) && stages.Contains(stage)
                && WorkQueueOrder.InSegments(segments, c.Key[1].Length == 0 ? null : c.Key[1]))
            .Sum(c => c.Value);
        var leased = await Db.SortedSetLengthAsync($"{prefix}:leased:{teamId}", now.ToUnixTimeMilliseconds(), double.PositiveInfinity, Exclude.Start);
        return new TeamQueueCounts(queued, leased);
    }

    private string Prefix(string lenderId) => $"{keyPrefix}:queue:{{{lenderId}}}";

    /// <summary>An entry as the scripts read it: short names, no segment as '', callable now as 0.</summary>
    private sealed record StoredEntry(
        [property: JsonPropertyName("a")] string AccountRef,
        [property: JsonPropertyName("s")] string Stage,
        [property: JsonPropertyName("g")] string Segment,
        [property: JsonPropertyName("p")] string Priority,
        [property: JsonPropertyName("t")] long CallableAt,
        [property: JsonPropertyName("r")] string Reason)
    {
        public static StoredEntry From(WorkQueueEntry entry) =>
            new(entry.AccountRef, entry.Stage.ToString(), entry.Segment ?? string.Empty, entry.Priority, entry.CallableAt?.ToUnixTimeMilliseconds() ?? 0, entry.Reason);

        public WorkQueueEntry ToEntry() =>
            new(AccountRef, Enum.Parse<Stage>(Stage), Segment.Length == 0 ? null : Segment, Priority,
                CallableAt == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(CallableAt), Reason);
    }

    private sealed record StoredLease(
        [property: JsonPropertyName("h")] string Holder,
        [property: JsonPropertyName("team")] string Team,
        [property: JsonPropertyName("exp")] long ExpiresAt);
}
