using System.Text.Json;
using System.Text.Json.Serialization;
using Collections.Contracts;
using Collections.Grains.Storage;
using StackExchange.Redis;

namespace Collections.Grains.Index;

/// <summary>
/// The read model in Redis. Per lender: one hash per account (its summary as JSON, its version and its
/// terms), a sorted set of every accountRef and one sorted set per filter value (<c>stage:Early</c>,
/// <c>agencyId:A1</c>, …), all with score 0 so that ZRANGEBYLEX pages them in accountRef order. One
/// script moves an account between sets and rewrites its hash atomically. Every key carries the
/// lender's hash tag, so a lender's index lives in one Redis Cluster slot (the set keys are derived in
/// the script from the declared prefix, inside that slot).
/// </summary>
/// <remarks>
/// Cost of a page: ZCARD per filter, then ZRANGEBYLEX on the smallest set from the cursor (O(log N + k))
/// and one HGET per candidate, in batches; candidates that miss another filter or the balance range are
/// skipped, at most <see cref="AccountIndexTerms.WalkBudget"/> per page. So a page is bounded whatever the
/// lender's size; a rare combination of two common filters makes short pages rather than slow ones.
/// Memory: about 0.5 KB per account (hash + 8 set entries).
/// </remarks>
public sealed class RedisAccountIndex(IConnectionMultiplexer redis, string keyPrefix) : IAccountIndex
{
    // KEYS: the account's hash, the lender's set of all refs. ARGV: ref, version, json, set-key prefix,
    // then field/value pairs for every term ('' = none). Returns 1 when written, 0 when older or equal.
    private static readonly BatchedScript UpsertScript = new(
        """
        local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
        if stored > tonumber(ARGV[2]) then return 0 end
        if redis.call('HGET', KEYS[1], 'json') == ARGV[3] then return 0 end
        for i = 5, #ARGV, 2 do
          local old = redis.call('HGET', KEYS[1], ARGV[i]) or ''
          local new = ARGV[i + 1]
          if old ~= new then
            if old ~= '' then redis.call('ZREM', ARGV[4] .. ARGV[i] .. ':' .. old, ARGV[1]) end
            if new ~= '' then redis.call('ZADD', ARGV[4] .. ARGV[i] .. ':' .. new, 0, ARGV[1]) end
          end
        end
        redis.call('HSET', KEYS[1], 'version', ARGV[2], 'json', ARGV[3], unpack(ARGV, 5))
        redis.call('ZADD', KEYS[2], 0, ARGV[1])
        return 1
        """);

    private const int Batch = 200;

    private readonly RedisScriptBatcher batcher = new(redis);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private IDatabase Db => redis.GetDatabase();

    public async Task UpsertAsync(string lenderId, AccountSummary summary)
    {
        var terms = AccountIndexTerms.Of(summary);
        var args = new List<RedisValue> { summary.AccountRef, summary.Version, JsonSerializer.Serialize(summary, Json), SetPrefix(lenderId) };
        for (var i = 0; i < terms.Length; i++)
        {
            args.Add(AccountIndexTerms.Fields[i]);
            args.Add(terms[i] ?? string.Empty);
        }

        await batcher.EvaluateAsync(UpsertScript, [AccountKey(lenderId, summary.AccountRef), AllKey(lenderId)], [.. args]);
    }

    public async Task<AccountSummaryPage> SearchAsync(string lenderId, AccountQuery query)
    {
        var db = Db;
        var sets = AccountIndexTerms.Of(query).Select(t => (RedisKey)(SetPrefix(lenderId) + AccountIndexTerms.SetName(t.Field, t.Value))).ToList();
        RedisKey walk = AllKey(lenderId);
        if (sets.Count > 0)
        {
            var sizes = await Task.WhenAll(sets.Select(s => db.SortedSetLengthAsync(s)));
            if (sizes.Any(n => n == 0))
            {
                return new AccountSummaryPage([], null);
            }

            walk = sets[Array.IndexOf(sizes, sizes.Min())];
        }

        var items = new List<AccountSummary>();
        var from = query.After;
        var walked = 0;
        while (true)
        {
            var take = (int)Math.Min(Batch, AccountIndexTerms.WalkBudget - walked);
            var refs = await db.SortedSetRangeByValueAsync(walk, from ?? default(RedisValue), default, from is null ? Exclude.None : Exclude.Start, Order.Ascending, 0, take);
            var jsons = await Task.WhenAll(refs.Select(r => db.HashGetAsync(AccountKey(lenderId, r!), "json")));
            for (var i = 0; i < refs.Length; i++)
            {
                walked++;
                var summary = jsons[i].IsNullOrEmpty ? null : JsonSerializer.Deserialize<AccountSummary>(jsons[i].ToString(), Json);
                if (summary is not null && AccountIndexTerms.Matches(summary, query))
                {
                    items.Add(summary);
                }

                if (items.Count == query.Limit || walked == AccountIndexTerms.WalkBudget)
                {
                    var more = i < refs.Length - 1 || refs.Length == take;
                    return new AccountSummaryPage(items, more ? refs[i].ToString() : null);
                }
            }

            if (refs.Length < take)
            {
                return new AccountSummaryPage(items, null);
            }

            from = refs[^1].ToString();
        }
    }

    private string Lender(string lenderId) => $"{keyPrefix}:index:{{{lenderId}}}";

    private string SetPrefix(string lenderId) => $"{Lender(lenderId)}:set:";

    private RedisKey AllKey(string lenderId) => $"{Lender(lenderId)}:all";

    private RedisKey AccountKey(string lenderId, string accountRef) => $"{Lender(lenderId)}:account:{accountRef}";
}
