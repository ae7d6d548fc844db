using System.Globalization;
using Collections.Grains.Storage;
using StackExchange.Redis;

namespace Collections.Grains.Feed;

/// <summary>
/// Feeds in Redis: per feed one stream (appended with XADD, trimmed by MINID to the retention, by Redis'
/// own clock) and one hash of per-account watermarks, changed together by one script so an event is in
/// the stream exactly once. Both keys share the feed's hash tag (one slot on a Redis Cluster too).
/// </summary>
public sealed class RedisEventFeedStore(IConnectionMultiplexer redis, string keyPrefix, TimeSpan retention) : IEventFeedStore
{
    // KEYS: stream, watermarks. ARGV: account, through, retention (ms), then seq/json pairs.
    private static readonly BatchedScript PublishScript = new(
        """
        local published = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
        local t = redis.call('TIME')
        local minid = math.max(0, tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(ARGV[3]))
        for i = 4, #ARGV, 2 do
          if tonumber(ARGV[i]) > published then
            redis.call('XADD', KEYS[1], 'MINID', '~', minid, '*', 'e', ARGV[i + 1])
          end
        end
        if tonumber(ARGV[2]) > published then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) end
        return published
        """);

    private readonly RedisScriptBatcher batcher = new(redis);

    private IDatabase Db => redis.GetDatabase();

    public async Task PublishAsync(string feed, string accountKey, long through, IReadOnlyList<FeedItem> items)
    {
        var args = new List<RedisValue>(3 + (2 * items.Count)) { accountKey, through, (long)retention.TotalMilliseconds };
        foreach (var item in items)
        {
            args.Add(item.Seq);
            args.Add(item.Json);
        }

        await batcher.EvaluateAsync(PublishScript, [StreamKey(feed), WatermarksKey(feed)], [.. args]);
    }

    public async Task<long> PublishedThroughAsync(string feed, string accountKey)
    {
        var value = await Db.HashGetAsync(WatermarksKey(feed), accountKey);
        return value.IsNull ? 0 : (long)value;
    }

    public async Task<IReadOnlyList<FeedEntry>> ReadAsync(string feed, string? after, int limit)
    {
        // "(id" starts after id (exclusive range, Redis 6.2+).
        var entries = await Db.StreamRangeAsync(StreamKey(feed), after is null ? "-" : $"({after}", "+", limit);
        return [.. entries.Select(e => new FeedEntry(e.Id.ToString(), e["e"].ToString()))];
    }

    public async Task<string?> EndAsync(string feed)
    {
        var last = await Db.StreamRangeAsync(StreamKey(feed), "-", "+", 1, Order.Descending);
        return last.Length == 0 ? null : last[0].Id.ToString();
    }

    private string StreamKey(string feed) => string.Create(CultureInfo.InvariantCulture, $"{keyPrefix}:feed:{{{feed}}}:stream");

    private string WatermarksKey(string feed) => string.Create(CultureInfo.InvariantCulture, $"{keyPrefix}:feed:{{{feed}}}:published");
}
