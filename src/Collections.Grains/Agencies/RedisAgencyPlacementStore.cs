using Collections.Contracts;
using Collections.Domain.Accounts;
using StackExchange.Redis;

namespace Collections.Grains.Agencies;

/// <summary>
/// The production placement store. Every key of an agency carries its id as a Redis Cluster hash tag,
/// so one Lua script can check and change an agency's capacity, counters, work list and a placement
/// atomically. Per agency:
/// <list type="bullet">
/// <item><c>…/list</c>: the work list, a sorted set of account keys scored by placement ordinal (ZADD on
/// confirm, ZREM on release; a page is ZRANGEBYSCORE from the cursor: O(log n + page));</item>
/// <item><c>…/unconfirmed</c> and <c>…/expiries</c>: sorted sets by deadline, for reconciliation;</item>
/// <item><c>…/counters/{scope}</c>: hashes of integer counters (×10 000) per lender, in total, and per
/// lender and statement month (<c>{lender}@{yyyy-MM}</c>, always the scripts' last key);</item>
/// <item><c>…/p/{accountKey}</c>: one hash per held placement (its id, state, row and figures).</item>
/// </list>
/// </summary>
public sealed class RedisAgencyPlacementStore : IAgencyPlacementStore
{
    // Shared by the scripts that change a placement's figures: each figure's increment since the stored
    // value goes to the lender's, the total and the month's counter hashes (the month is the last key).
    // Numbers are written with %.0f so that Lua never sends "1e+15".
    private const string StatsFunction =
        """
        local function int(x) return string.format('%.0f', x) end
        local function stats(entry, currency, first)
          local names = {'attempts', 'reached', 'promisesMade', 'promisesKept', 'promisesBroken', 'collected', 'commission', 'complaints', 'violations'}
          for i, name in ipairs(names) do
            local value = tonumber(ARGV[first + i - 1])
            local delta = value - tonumber(redis.call('HGET', entry, name) or '0')
            if delta ~= 0 then
              local field = name
              if i == 6 or i == 7 then field = name .. ':' .. currency end
              redis.call('HINCRBY', KEYS[2], field, int(delta))
              redis.call('HINCRBY', KEYS[3], field, int(delta))
              redis.call('HINCRBY', KEYS[#KEYS], field, int(delta))
              redis.call('HSET', entry, name, int(value))
            end
          end
        end
        """;

    // KEYS: entry, counters:*, counters:lender, unconfirmed, list, expiries
    // ARGV: accountKey, placementId, lender, capacity (units), confirmBy (ms), scale
    // Returns {outcome (0 reserved, 1 already held, 2 full), current (units)}.
    private const string ReserveScript =
        """
        local id = redis.call('HGET', KEYS[1], 'id')
        if id == ARGV[2] then
          return {1, tonumber(redis.call('HGET', KEYS[2], 'current') or '0')}
        end
        if id then
          if redis.call('HGET', KEYS[1], 'tentative') == '1' then
            redis.call('ZREM', KEYS[4], ARGV[1])
          else
            redis.call('ZREM', KEYS[5], ARGV[1])
            redis.call('ZREM', KEYS[6], ARGV[1])
            redis.call('HINCRBY', KEYS[2], 'ended:Superseded', ARGV[6])
            redis.call('HINCRBY', KEYS[3], 'ended:Superseded', ARGV[6])
          end
          redis.call('DEL', KEYS[1])
        else
          local current = tonumber(redis.call('HGET', KEYS[2], 'current') or '0')
          if current >= tonumber(ARGV[4]) then
            return {2, current}
          end
          redis.call('HINCRBY', KEYS[2], 'current', ARGV[6])
          redis.call('HINCRBY', KEYS[3], 'current', ARGV[6])
        end
        redis.call('HSET', KEYS[1], 'id', ARGV[2], 'lender', ARGV[3], 'tentative', '1')
        redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
        return {0, tonumber(redis.call('HGET', KEYS[2], 'current'))}
        """;

    // KEYS: entry, counters:*, counters:lender, unconfirmed, list, expiries, meta, counters:lender@month
    // ARGV: accountKey, placementId, lender, currency, asOf, balance (units), expiresAt (ms), item, scale, stats × 9
    // Returns 1 when a reservation (or the placement) existed, 0 when it had to be recreated.
    private const string ConfirmScript = StatsFunction +
        """

        local id = redis.call('HGET', KEYS[1], 'id')
        local tentative = redis.call('HGET', KEYS[1], 'tentative')
        if id == ARGV[2] and tentative == '0' then
          if tonumber(ARGV[5]) > tonumber(redis.call('HGET', KEYS[1], 'asOf')) then
            stats(KEYS[1], redis.call('HGET', KEYS[1], 'currency'), 10)
            redis.call('HSET', KEYS[1], 'asOf', ARGV[5], 'item', ARGV[8])
          end
          return 1
        end
        local existed = 1
        if not id then
          existed = 0
          redis.call('HINCRBY', KEYS[2], 'current', ARGV[9])
          redis.call('HINCRBY', KEYS[3], 'current', ARGV[9])
        elseif tentative == '1' then
          redis.call('ZREM', KEYS[4], ARGV[1])
        else
          redis.call('ZREM', KEYS[5], ARGV[1])
          redis.call('ZREM', KEYS[6], ARGV[1])
        end
        redis.call('DEL', KEYS[1])
        local order = redis.call('HINCRBY', KEYS[7], 'sequence', 1)
        redis.call('HSET', KEYS[1], 'id', ARGV[2], 'lender', ARGV[3], 'currency', ARGV[4], 'tentative', '0',
          'order', order, 'asOf', ARGV[5], 'item', ARGV[8], 'balance', ARGV[6])
        redis.call('ZADD', KEYS[5], order, ARGV[1])
        redis.call('ZADD', KEYS[6], ARGV[7], ARGV[1])
        for _, counters in ipairs({KEYS[2], KEYS[3], KEYS[8]}) do
          redis.call('HINCRBY', counters, 'placed', ARGV[9])
          redis.call('HINCRBY', counters, 'placedCount:' .. ARGV[4], ARGV[9])
          redis.call('HINCRBY', counters, 'placedBalance:' .. ARGV[4], ARGV[6])
        end
        stats(KEYS[1], ARGV[4], 10)
        return existed
        """;

    // KEYS: entry, counters:*, counters:lender, counters:lender@month
    // ARGV: placementId, asOf, item, stats × 9
    private const string UpdateScript = StatsFunction +
        """

        if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'tentative') ~= '0' then
          return 0
        end
        if tonumber(ARGV[2]) <= tonumber(redis.call('HGET', KEYS[1], 'asOf')) then
          return 0
        end
        stats(KEYS[1], redis.call('HGET', KEYS[1], 'currency'), 4)
        redis.call('HSET', KEYS[1], 'asOf', ARGV[2], 'item', ARGV[3])
        return 1
        """;

    // KEYS: entry, counters:*, counters:lender, unconfirmed, list, expiries, counters:lender@month
    // ARGV: accountKey, placementId, reason, scale, hasFinal (1/0), asOf, stats × 9
    private const string ReleaseScript = StatsFunction +
        """

        if redis.call('HGET', KEYS[1], 'id') ~= ARGV[2] then
          return 0
        end
        if redis.call('HGET', KEYS[1], 'tentative') == '1' then
          redis.call('ZREM', KEYS[4], ARGV[1])
        else
          if ARGV[5] == '1' and tonumber(ARGV[6]) > tonumber(redis.call('HGET', KEYS[1], 'asOf')) then
            stats(KEYS[1], redis.call('HGET', KEYS[1], 'currency'), 7)
          end
          local currency = redis.call('HGET', KEYS[1], 'currency')
          local balance = redis.call('HGET', KEYS[1], 'balance') or '0'
          local collected = redis.call('HGET', KEYS[1], 'collected') or '0'
          for _, counters in ipairs({KEYS[2], KEYS[3], KEYS[7]}) do
            redis.call('HINCRBY', counters, 'ended:' .. ARGV[3], ARGV[4])
            redis.call('HINCRBY', counters, 'completedCount:' .. currency, ARGV[4])
            redis.call('HINCRBY', counters, 'completedBalance:' .. currency, balance)
            redis.call('HINCRBY', counters, 'completedCollected:' .. currency, collected)
          end
          redis.call('ZREM', KEYS[5], ARGV[1])
          redis.call('ZREM', KEYS[6], ARGV[1])
        end
        redis.call('HINCRBY', KEYS[2], 'current', -tonumber(ARGV[4]))
        redis.call('HINCRBY', KEYS[3], 'current', -tonumber(ARGV[4]))
        redis.call('DEL', KEYS[1])
        return 1
        """;

    // KEYS: a deadline index. ARGV: due by (ms), recheck at (ms), max. Claims are pushed to their recheck time.
    private const string ClaimScript =
        """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
        for _, key in ipairs(due) do
          redis.call('ZADD', KEYS[1], ARGV[2], key)
        end
        return due
        """;

    private readonly IConnectionMultiplexer redis;
    private readonly string keyPrefix;

    /// <param name="redis">A connection shared with the rest of the silo.</param>
    /// <param name="keyPrefix">Prefix of every key (the Orleans service id).</param>
    public RedisAgencyPlacementStore(IConnectionMultiplexer redis, string keyPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyPrefix);
        if (keyPrefix.Contains('{', StringComparison.Ordinal) || keyPrefix.Contains('}', StringComparison.Ordinal))
        {
            throw new ArgumentException("The key prefix may not contain '{' or '}': they would change the Redis Cluster hash tag.", nameof(keyPrefix));
        }

        this.redis = redis;
        this.keyPrefix = keyPrefix;
    }

    private IDatabase Database => redis.GetDatabase();

    public async Task<(SlotOutcome Outcome, long Current)> ReserveAsync(string agencyId, string accountKey, long placementId, string lenderId, int capacity, DateTimeOffset confirmBy)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(ReserveScript,
            [Entry(agencyId, accountKey), Counters(agencyId, PlacementCounters.AllLenders), Counters(agencyId, lenderId), Key(agencyId, "unconfirmed"), Key(agencyId, "list"), Key(agencyId, "expiries")],
            [accountKey, placementId, lenderId, (long)capacity * PlacementCounters.Scale, confirmBy.ToUnixTimeMilliseconds(), PlacementCounters.Scale]))!;
        var outcome = (long)result[0] switch
        {
            0 => SlotOutcome.Reserved,
            1 => SlotOutcome.AlreadyHeld,
            _ => SlotOutcome.Full,
        };
        return (outcome, (long)result[1]);
    }

    public async Task<bool> ConfirmAsync(string agencyId, StoredPlacement placement)
    {
        RedisValue[] args =
        [
            placement.AccountKey, placement.PlacementId, placement.LenderId, placement.Currency, placement.AsOf,
            PlacementCounters.Units(placement.PlacedBalance), placement.ExpiresAt.ToUnixTimeMilliseconds(), placement.ItemJson,
            PlacementCounters.Scale, .. Stats(placement.Stats),
        ];
        var result = await Database.ScriptEvaluateAsync(ConfirmScript, EntryKeys(agencyId, placement.AccountKey, placement.LenderId, placement.Month, withMeta: true), args);
        return (long)result == 1;
    }

    public async Task<bool> UpdateAsync(string agencyId, StoredPlacement placement)
    {
        RedisValue[] args = [placement.PlacementId, placement.AsOf, placement.ItemJson, .. Stats(placement.Stats)];
        var result = await Database.ScriptEvaluateAsync(UpdateScript,
            [Entry(agencyId, placement.AccountKey), Counters(agencyId, PlacementCounters.AllLenders), Counters(agencyId, placement.LenderId),
                Counters(agencyId, PlacementCounters.MonthScope(placement.LenderId, placement.Month))], args);
        return (long)result == 1;
    }

    public async Task<bool> ReleaseAsync(string agencyId, string accountKey, long placementId, string reason, string month, StoredPlacement? final)
    {
        RedisValue[] args =
        [
            accountKey, placementId, reason, PlacementCounters.Scale, final is null ? 0 : 1, final?.AsOf ?? 0,
            .. Stats(final?.Stats ?? PlacementStats.Zero),
        ];
        var lender = AccountKey.Parse(accountKey).LenderId;
        var result = await Database.ScriptEvaluateAsync(ReleaseScript, EntryKeys(agencyId, accountKey, lender, month, withMeta: false), args);
        return (long)result == 1;
    }

    public async Task<StoredPage> PageAsync(string agencyId, long after, int limit)
    {
        var db = Database;
        var members = await db.SortedSetRangeByScoreWithScoresAsync(Key(agencyId, "list"), after, double.PositiveInfinity, Exclude.Start, Order.Ascending, 0, limit + 1);
        var page = members.Take(limit).ToArray();
        var items = await Task.WhenAll(page.Select(m => db.HashGetAsync(Entry(agencyId, m.Element!), "item")));
        long? next = members.Length > limit && page.Length > 0 ? (long)page[^1].Score : null;

        // A placement released between the two reads has no row any more: it is simply not listed.
        return new StoredPage([.. items.Where(i => i.HasValue).Select(i => (string)i!)], next);
    }

    public async Task<IReadOnlyDictionary<string, long>> CountersAsync(string agencyId, string scope)
    {
        var entries = await Database.HashGetAllAsync(Counters(agencyId, scope));
        return entries.ToDictionary(e => (string)e.Name!, e => (long)e.Value, StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<(string AccountKey, long PlacementId)>> ClaimOverdueAsync(
        string agencyId, DateTimeOffset realNow, DateTimeOffset unconfirmedRecheckAt, DateTimeOffset expiredBefore, DateTimeOffset expiredRecheckAt, int max)
    {
        var db = Database;
        var unconfirmed = (RedisResult[])(await db.ScriptEvaluateAsync(ClaimScript, [Key(agencyId, "unconfirmed")],
            [realNow.ToUnixTimeMilliseconds(), unconfirmedRecheckAt.ToUnixTimeMilliseconds(), max]))!;
        var expired = (RedisResult[])(await db.ScriptEvaluateAsync(ClaimScript, [Key(agencyId, "expiries")],
            [expiredBefore.ToUnixTimeMilliseconds(), expiredRecheckAt.ToUnixTimeMilliseconds(), Math.Max(0, max - unconfirmed.Length)]))!;
        var keys = unconfirmed.Concat(expired).Select(k => (string)k!).Distinct(StringComparer.Ordinal).ToList();
        var ids = await Task.WhenAll(keys.Select(k => db.HashGetAsync(Entry(agencyId, k), "id")));
        return [.. keys.Zip(ids).Where(p => p.Second.HasValue).Select(p => (p.First, (long)p.Second))];
    }

    /// <summary>A key of the agency: <c>{prefix}/agencies/{agencyId}/{name}</c>, the id as the hash tag.</summary>
    public RedisKey Key(string agencyId, string name) => $"{keyPrefix}/agencies/{{{Check(agencyId)}}}/{name}";

    private RedisKey Entry(string agencyId, string accountKey) => Key(agencyId, $"p/{Check(accountKey)}");

    private RedisKey Counters(string agencyId, string scope) => Key(agencyId, $"counters/{scope}");

    private RedisKey[] EntryKeys(string agencyId, string accountKey, string lenderId, string month, bool withMeta) =>
    [
        Entry(agencyId, accountKey), Counters(agencyId, PlacementCounters.AllLenders), Counters(agencyId, lenderId),
        Key(agencyId, "unconfirmed"), Key(agencyId, "list"), Key(agencyId, "expiries"), .. withMeta ? [Key(agencyId, "meta")] : Array.Empty<RedisKey>(),
        Counters(agencyId, PlacementCounters.MonthScope(lenderId, month)),
    ];

    private static RedisValue[] Stats(PlacementStats stats) =>
    [
        stats.ContactAttempts * PlacementCounters.Scale,
        stats.ContactsReached * PlacementCounters.Scale,
        stats.PromisesMade * PlacementCounters.Scale,
        stats.PromisesKept * PlacementCounters.Scale,
        stats.PromisesBroken * PlacementCounters.Scale,
        PlacementCounters.Units(stats.Collected),
        PlacementCounters.Units(stats.Commission),
        stats.Complaints * PlacementCounters.Scale,
        stats.Violations * PlacementCounters.Scale,
    ];

    private static string Check(string id) =>
        id.Contains('{', StringComparison.Ordinal) || id.Contains('}', StringComparison.Ordinal)
            ? throw new ArgumentException($"'{id}' may not contain '{{' or '}}'.", nameof(id))
            : id;
}
