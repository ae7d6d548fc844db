using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Collections.Domain;
using Collections.Domain.Portfolio;
using Collections.Grains.Storage;
using StackExchange.Redis;

namespace Collections.Grains.Portfolio;

/// <summary>
/// Portfolio counters in Redis: per lender, one hash of account contributions (JSON) and one hash of
/// integer counters, changed together by one script. Both keys share the lender's hash tag, so they
/// live in one slot on a Redis Cluster as well.
/// </summary>
public sealed class RedisPortfolioStore(IConnectionMultiplexer redis, string keyPrefix) : IPortfolioStore
{
    // KEYS: contributions, counters. ARGV: account, expected JSON ('' = none), next JSON, then counter/delta pairs.
    // Returns {1} when applied (or already applied), {0, stored} when the stored contribution differs.
    private static readonly BatchedScript ReportScript = new(
        """
        local stored = redis.call('HGET', KEYS[1], ARGV[1]) or ''
        if stored == ARGV[3] then return {1} end
        if stored ~= ARGV[2] then return {0, stored} end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
        for i = 4, #ARGV, 2 do redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1]) end
        return {1}
        """);

    // Lenders this process has already added to the lenders set: one SADD per lender and process.
    private readonly ConcurrentDictionary<string, bool> listed = new(StringComparer.Ordinal);

    private readonly RedisScriptBatcher batcher = new(redis);

    private IDatabase Db => redis.GetDatabase();

    public async Task<PortfolioContribution?> GetContributionAsync(string lenderId, string accountRef) =>
        Parse(await Db.HashGetAsync(ContributionsKey(lenderId), accountRef));

    public async Task<(bool Applied, PortfolioContribution? Stored)> ReportAsync(
        string lenderId, string accountRef, PortfolioContribution? expected, PortfolioContribution next, string period)
    {
        if (!listed.ContainsKey(lenderId))
        {
            // Before the counters change, so that a lender with counters is always listed. Its own key,
            // not under the lender's hash tag: on a Redis Cluster it cannot join the script.
            await Db.SetAddAsync(LendersKey, lenderId);
            listed.TryAdd(lenderId, true);
        }

        var args = new List<RedisValue> { accountRef, Json(expected), Json(next) };
        foreach (var (counter, delta) in PortfolioContribution.Difference(expected, next, period))
        {
            args.Add(counter);
            args.Add(delta);
        }

        var keys = new RedisKey[] { ContributionsKey(lenderId), CountersKey(lenderId) };
        var result = (RedisResult[])(await batcher.EvaluateAsync(ReportScript, keys, [.. args]))!;
        return (long)result[0] == 1 ? (true, next) : (false, Parse((RedisValue)result[1]));
    }

    public async Task<IReadOnlyDictionary<string, long>> ReadCountersAsync(string lenderId)
    {
        var entries = await Db.HashGetAllAsync(CountersKey(lenderId));
        return entries.ToDictionary(e => e.Name.ToString(), e => long.Parse(e.Value.ToString(), CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<string>> ListLendersAsync() =>
        [.. (await Db.SetMembersAsync(LendersKey)).Select(m => m.ToString()).Order(StringComparer.Ordinal)];

    private string LendersKey => $"{keyPrefix}:portfolio:lenders";

    private string ContributionsKey(string lenderId) => $"{keyPrefix}:portfolio:{{{lenderId}}}:contributions";

    private string CountersKey(string lenderId) => $"{keyPrefix}:portfolio:{{{lenderId}}}:counters";

    private static string Json(PortfolioContribution? contribution) =>
        contribution is null ? string.Empty : JsonSerializer.Serialize(contribution, DomainJson.Options);

    private static PortfolioContribution? Parse(RedisValue value) =>
        value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<PortfolioContribution>(value.ToString(), DomainJson.Options);
}
