using System.Text;
using Collections.Grains.Feed;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Grains.Tests;

/// <summary>What every event feed store must do, in memory, on a real Redis and on Azurite.</summary>
public abstract class EventFeedStoreContract
{
    protected abstract IEventFeedStore Store { get; }

    [Fact]
    public async Task An_account_publishing_the_same_events_again_adds_each_once_in_its_order()
    {
        var feed = $"lender/L-{Guid.NewGuid():N}";
        await Store.PublishAsync(feed, "L1/A-1", 3, [Item("L1/A-1", 2), Item("L1/A-1", 3)]);
        await Store.PublishAsync(feed, "L1/A-2", 1, [Item("L1/A-2", 1)]);

        // A retry after a lost answer, then a stale activation: neither adds anything already there.
        await Store.PublishAsync(feed, "L1/A-1", 5, [Item("L1/A-1", 2), Item("L1/A-1", 3), Item("L1/A-1", 5)]);
        await Store.PublishAsync(feed, "L1/A-1", 3, [Item("L1/A-1", 3)]);

        var entries = await Store.ReadAsync(feed, null, 100);
        Assert.Equal(["L1/A-1:2", "L1/A-1:3", "L1/A-2:1", "L1/A-1:5"], entries.Select(e => IdOf(e.Json)));
        Assert.Equal(5, await Store.PublishedThroughAsync(feed, "L1/A-1"));
        Assert.Equal(0, await Store.PublishedThroughAsync(feed, "L1/A-3"));
        Assert.Equal(entries[^1].Cursor, await Store.EndAsync(feed));
        Assert.All(entries, e => Assert.True(FeedCursor.IsValid(e.Cursor)));
    }

    [Fact]
    public async Task A_reader_pages_through_a_feed_by_cursor_and_an_empty_feed_has_no_end()
    {
        var feed = $"agency/AG-{Guid.NewGuid():N}";
        Assert.Null(await Store.EndAsync(feed));
        Assert.Empty(await Store.ReadAsync(feed, null, 10));
        await Store.PublishAsync(feed, "L1/A-1", 5, [.. Enumerable.Range(1, 5).Select(i => Item("L1/A-1", i))]);

        var first = await Store.ReadAsync(feed, null, 2);
        var second = await Store.ReadAsync(feed, first[^1].Cursor, 2);
        var third = await Store.ReadAsync(feed, second[^1].Cursor, 2);
        Assert.Equal(["L1/A-1:1", "L1/A-1:2", "L1/A-1:3", "L1/A-1:4", "L1/A-1:5"], first.Concat(second).Concat(third).Select(e => IdOf(e.Json)));
        Assert.Empty(await Store.ReadAsync(feed, third[^1].Cursor, 2));
    }

    [Fact]
    public async Task Raising_the_watermark_without_events_adds_nothing()
    {
        var feed = $"lender/L-{Guid.NewGuid():N}";
        await Store.PublishAsync(feed, "L1/A-1", 70, []);
        Assert.Equal(70, await Store.PublishedThroughAsync(feed, "L1/A-1"));
        Assert.Null(await Store.EndAsync(feed));
    }

    protected static FeedItem Item(string accountKey, long seq) =>
        new(seq, Encoding.UTF8.GetBytes($$"""{"id":"{{accountKey}}:{{seq}}","type":"StageEntered","lenderId":"L1","accountRef":"{{accountKey[3..]}}","at":"2026-03-01T00:00:00+00:00","data":null}"""));

    protected static string IdOf(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()!;
}

public sealed class InMemoryEventFeedStoreTests : EventFeedStoreContract
{
    private readonly FakeTimeProvider time = new();

    public InMemoryEventFeedStoreTests() => Store = new InMemoryEventFeedStore(time, Options.Create(new FeedOptions()));

    protected override IEventFeedStore Store { get; }

    [Fact]
    public async Task Events_older_than_the_retention_leave_the_feed_while_the_watermarks_stay()
    {
        await Store.PublishAsync("lender/L1", "L1/A-1", 1, [Item("L1/A-1", 1)]);
        time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        await Store.PublishAsync("lender/L1", "L1/A-2", 1, [Item("L1/A-2", 1)]);

        Assert.Single(await Store.ReadAsync("lender/L1", null, 10));
        Assert.Equal(1, await Store.PublishedThroughAsync("lender/L1", "L1/A-1"));
    }
}

public sealed class RedisEventFeedStoreTests(RedisFixture redis) : EventFeedStoreContract, IClassFixture<RedisFixture>
{
    protected override IEventFeedStore Store { get; } = new RedisEventFeedStore(redis.Connection, "test", TimeSpan.FromDays(7));
}

public sealed class AzureEventFeedStoreTests(AzuriteFixture azurite) : EventFeedStoreContract, IClassFixture<AzuriteFixture>
{
    protected override IEventFeedStore Store { get; } = new AzureEventFeedStore(azurite.Server.Tables(), "test", TimeSpan.FromDays(7), TimeProvider.System);

    [Fact]
    public async Task Concurrent_publishes_of_many_accounts_to_one_feed_number_every_event_once()
    {
        var feed = $"lender/L-{Guid.NewGuid():N}";
        await Task.WhenAll(Enumerable.Range(0, 150).Select(a =>
            Task.Run(() => Store.PublishAsync(feed, $"L1/A-{a}", 2, [Item($"L1/A-{a}", 1), Item($"L1/A-{a}", 2)]))));

        var entries = await Store.ReadAsync(feed, null, 1000);
        var ids = entries.Select(e => IdOf(e.Json)).ToList();
        Assert.Equal(300, ids.Distinct().Count());
        Assert.Equal(300, entries.Select(e => e.Cursor).Distinct().Count());
        Assert.All(Enumerable.Range(0, 150), a => Assert.True(ids.IndexOf($"L1/A-{a}:1") < ids.IndexOf($"L1/A-{a}:2")));
        Assert.Equal(entries[^1].Cursor, await Store.EndAsync(feed));
        Assert.Equal(2, await Store.PublishedThroughAsync(feed, "L1/A-149"));
    }
}

/// <summary>A feed store that refuses an account's publishes while it is broken for it, as Redis would while unreachable.</summary>
public sealed class FaultyFeedStore(IEventFeedStore inner) : IEventFeedStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> broken = new();

    public void Break(string accountKey) => broken[accountKey] = true;

    public void Repair(string accountKey) => broken.TryRemove(accountKey, out _);

    public Task PublishAsync(string feed, string accountKey, long through, IReadOnlyList<FeedItem> items) =>
        broken.ContainsKey(accountKey) ? throw new IOException("Injected feed failure.") : inner.PublishAsync(feed, accountKey, through, items);

    public Task<long> PublishedThroughAsync(string feed, string accountKey) => inner.PublishedThroughAsync(feed, accountKey);

    public Task<IReadOnlyList<FeedEntry>> ReadAsync(string feed, string? after, int limit) => inner.ReadAsync(feed, after, limit);

    public Task<string?> EndAsync(string feed) => inner.EndAsync(feed);
}
