using System.Globalization;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Feed;

/// <summary>The feeds of the embedded default (one process): a list per feed, trimmed to the retention on append.</summary>
public sealed class InMemoryEventFeedStore(TimeProvider time, IOptions<FeedOptions> options) : IEventFeedStore
{
    private readonly Dictionary<string, Feed> feeds = new(StringComparer.Ordinal);

    public Task PublishAsync(string feed, string accountKey, long through, IReadOnlyList<FeedItem> items)
    {
        var now = time.GetUtcNow();
        lock (feeds)
        {
            var f = FeedOf(feed);
            var published = f.Published.GetValueOrDefault(accountKey);
            foreach (var item in items.Where(i => i.Seq > published))
            {
                f.Entries.Add((++f.Last, now, item.Text));
            }

            f.Published[accountKey] = Math.Max(published, through);
            var horizon = now - options.Value.Retention;
            f.Entries.RemoveAll(e => e.At < horizon);
        }

        return Task.CompletedTask;
    }

    public Task<long> PublishedThroughAsync(string feed, string accountKey)
    {
        lock (feeds)
        {
            return Task.FromResult(feeds.TryGetValue(feed, out var f) ? f.Published.GetValueOrDefault(accountKey) : 0);
        }
    }

    public Task<IReadOnlyList<FeedEntry>> ReadAsync(string feed, string? after, int limit)
    {
        var from = after is null ? 0 : long.Parse(after.AsSpan(after.IndexOf('-', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);
        lock (feeds)
        {
            IReadOnlyList<FeedEntry> page = feeds.TryGetValue(feed, out var f)
                ? [.. f.Entries.Where(e => e.N > from).Take(limit).Select(e => new FeedEntry(Cursor(e.N), e.Json))]
                : [];
            return Task.FromResult(page);
        }
    }

    public Task<string?> EndAsync(string feed)
    {
        lock (feeds)
        {
            return Task.FromResult(feeds.TryGetValue(feed, out var f) && f.Last > 0 ? Cursor(f.Last) : null);
        }
    }

    private static string Cursor(long n) => string.Create(CultureInfo.InvariantCulture, $"0-{n}");

    private Feed FeedOf(string feed)
    {
        if (!feeds.TryGetValue(feed, out var f))
        {
            feeds[feed] = f = new Feed();
        }

        return f;
    }

    private sealed class Feed
    {
        public List<(long N, DateTimeOffset At, string Json)> Entries { get; } = [];

        public Dictionary<string, long> Published { get; } = new(StringComparer.Ordinal);

        public long Last { get; set; }
    }
}
