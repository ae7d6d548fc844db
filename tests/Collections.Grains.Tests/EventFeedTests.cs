using System.Text.Json;
using System.Text.Json.Nodes;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Events;
using static Collections.Grains.Tests.Accounts;

namespace Collections.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class EventFeedTests(ClusterFixture fixture)
{
    [Fact]
    public async Task An_account_whose_feed_write_failed_publishes_what_it_missed_on_its_next_wake_once_each_and_in_order()
    {
        var accountRef = NewRef();
        var key = AccountKey.For(Lender, accountRef);
        var grain = fixture.Client.Grain(accountRef);
        fixture.Feed.Break(key);

        await grain.UpsertAsync(Record(accountRef, fixture.Today.AddDays(-5)), "lender:test");
        Assert.Empty(await PublishedAsync(key));
        fixture.Feed.Repair(key);

        // The failed publish brought the wake within the retry period; the wake publishes the gap from the log.
        await fixture.AdvanceAsync(ClusterFixture.RetryPeriod * 2, TimeSpan.FromSeconds(10));
        await fixture.Eventually(async () => (await PublishedAsync(key)).Count > 0, "the wake publishes the missed events");
        await grain.CloseAsync(ClosedReason.Sold, "lender:test");

        var logged = (await grain.GetEventsAsync(0, 1000))!.Items.Select(AccountEventJson.Deserialize)
            .Where(e => EventFeeds.LenderEventTypes.Contains(e.Type))
            .Select(e => ($"{key}:{e.Seq}", e.Type))
            .ToList();
        Assert.Contains(logged, e => e.Type == "StageEntered");
        Assert.Contains(logged, e => e.Type == "AccountClosed");
        Assert.Equal(logged, await PublishedAsync(key));
    }

    [Fact]
    public async Task An_account_with_nothing_for_the_feed_writes_nothing_to_it()
    {
        var accountRef = NewRef();
        var key = AccountKey.For(Lender, accountRef);
        await fixture.Client.Grain(accountRef).UpsertAsync(Record(accountRef, fixture.Today.AddDays(10)), "lender:test");

        Assert.Empty(await PublishedAsync(key));
        Assert.Equal(0, await fixture.Feed.PublishedThroughAsync(EventFeeds.Lender(Lender), key));
    }

    [Fact]
    public async Task A_feed_item_carries_the_logged_event_with_its_data_as_logged_but_for_the_type()
    {
        var accountRef = NewRef();
        var key = AccountKey.For(Lender, accountRef);
        var grain = fixture.Client.Grain(accountRef);
        await grain.UpsertAsync(Record(accountRef, fixture.Today.AddDays(-5)), "lender:test");
        await grain.CloseAsync(ClosedReason.Sold, "lender:test");

        var logged = (await grain.GetEventsAsync(0, 1000))!.Items
            .Select(json => JsonNode.Parse(json)!.AsObject())
            .Where(e => EventFeeds.LenderEventTypes.Contains((string)e["type"]!))
            .ToList();
        var published = (await fixture.Feed.ReadAsync(EventFeeds.Lender(Lender), null, 100_000))
            .Select(e => JsonNode.Parse(e.Json)!.AsObject())
            .Where(e => ((string)e["id"]!).StartsWith(key + ":", StringComparison.Ordinal))
            .ToList();

        Assert.Contains(logged, e => (string)e["type"]! == "StageEntered");
        Assert.Contains(logged, e => (string)e["type"]! == "AccountClosed");
        Assert.Equal(logged.Count, published.Count);
        foreach (var (log, item) in logged.Zip(published))
        {
            Assert.Equal($"{key}:{(long)log["seq"]!}", (string)item["id"]!);
            Assert.Equal((string)log["type"]!, (string)item["type"]!);
            Assert.Equal(Lender, (string)item["lenderId"]!);
            Assert.Equal(accountRef, (string)item["accountRef"]!);
            Assert.Equal((DateTimeOffset)log["at"]!, (DateTimeOffset)item["at"]!);
            var data = log["data"]!.DeepClone().AsObject();
            data.Remove("type");
            Assert.True(JsonNode.DeepEquals(data, item["data"]), $"{item["data"]} differs from the logged {data}");
        }
    }

    private async Task<List<(string Id, string Type)>> PublishedAsync(string accountKey)
    {
        var entries = await fixture.Feed.ReadAsync(EventFeeds.Lender(Lender), null, 100_000);
        return
        [
            .. entries.Select(e => JsonDocument.Parse(e.Json).RootElement)
                .Select(e => (Id: e.GetProperty("id").GetString()!, Type: e.GetProperty("type").GetString()!))
                .Where(e => e.Id.StartsWith(accountKey + ":", StringComparison.Ordinal)),
        ];
    }
}
