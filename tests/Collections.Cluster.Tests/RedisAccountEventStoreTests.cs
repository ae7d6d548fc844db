using System.Text.Json;
using Collections.Cluster.Tests.Infrastructure;
using Collections.Grains.Storage;
using StackExchange.Redis;

namespace Collections.Cluster.Tests;

/// <summary>What every production event store must do: atomic, version-checked appends and paging.</summary>
public abstract class AccountEventStoreContract
{
    protected abstract IAccountEventStore Store { get; }

    /// <summary>A loaded snapshot as (version, text), to compare with what was appended.</summary>
    protected static (long Version, string State)? Read(StoredSnapshot? snapshot) =>
        snapshot is null ? null : (snapshot.Version, Utf8.Decode(snapshot.StateJson));

    [Fact]
    public async Task An_append_at_the_expected_version_stores_the_events_and_the_snapshot_together()
    {
        Assert.True(await Store.AppendAsync("L1/A-1", 0, Utf8.Texts("e1", "e2"), Utf8.Text("""{"version":2}""")));
        Assert.True(await Store.AppendAsync("L1/A-1", 2, Utf8.Texts("e3"), Utf8.Text("""{"version":3}""")));

        var snapshot = await Store.LoadAsync("L1/A-1");
        Assert.Equal((3L, """{"version":3}"""), Read(snapshot));
        Assert.Equal(["e1", "e2", "e3"], await Store.ReadEventsAsync("L1/A-1", 0, 10));
    }

    [Fact]
    public async Task An_append_at_a_stale_version_writes_nothing()
    {
        Assert.True(await Store.AppendAsync("L1/A-2", 0, Utf8.Texts("e1"), Utf8.Text("s1")));

        Assert.False(await Store.AppendAsync("L1/A-2", 0, Utf8.Texts("other"), Utf8.Text("s-other")));
        Assert.False(await Store.AppendAsync("L1/A-2", 2, Utf8.Texts("other"), Utf8.Text("s-other")));

        Assert.Equal((1L, "s1"), Read(await Store.LoadAsync("L1/A-2")));
        Assert.Equal(["e1"], await Store.ReadEventsAsync("L1/A-2", 0, 10));
    }

    [Fact]
    public async Task Concurrent_appends_at_the_same_version_let_exactly_one_win()
    {
        Assert.True(await Store.AppendAsync("L1/A-3", 0, Utf8.Texts("e1"), Utf8.Text("s1")));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Store.AppendAsync("L1/A-3", 1, Utf8.Texts($"e2-{i}"), Utf8.Text($"s2-{i}"))));

        Assert.Single(attempts, won => won);
        var events = await Store.ReadEventsAsync("L1/A-3", 0, 10);
        Assert.Equal(2, events.Count);
        Assert.Equal(2, (await Store.LoadAsync("L1/A-3"))!.Version);
    }

    [Fact]
    public async Task Events_page_by_sequence_number_without_gaps_or_overlaps()
    {
        var events = Enumerable.Range(1, 2500).Select(i => JsonSerializer.Serialize(new { seq = i })).ToList();
        Assert.True(await Store.AppendAsync("L1/A-4", 0, Utf8.Texts(events), Utf8.Text("s")));

        var read = new List<string>();
        for (long after = 0; ; after += 1000)
        {
            var page = await Store.ReadEventsAsync("L1/A-4", after, 1000);
            read.AddRange(page);
            if (page.Count < 1000)
            {
                break;
            }
        }

        Assert.Equal(events, read);
        Assert.Empty(await Store.ReadEventsAsync("L1/A-4", 2500, 10));
        Assert.Equal(events[10..15], await Store.ReadEventsAsync("L1/A-4", 10, 5));
    }

    [Fact]
    public async Task An_unknown_account_has_no_snapshot_and_no_events()
    {
        Assert.Null(await Store.LoadAsync("L1/never"));
        Assert.Empty(await Store.ReadEventsAsync("L1/never", 0, 10));
    }

}

/// <summary>The contract against a real Redis, and what is Redis's own: hash slots and a crash of Redis.</summary>
public sealed class RedisAccountEventStoreTests : AccountEventStoreContract, IAsyncLifetime
{
    private RedisServer redis = null!;
    private ConnectionMultiplexer connection = null!;
    private RedisAccountEventStore store = null!;

    protected override IAccountEventStore Store => store;

    public async Task InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        connection = await redis.ConnectAsync();
        store = new RedisAccountEventStore(connection, "svc");
    }

    public async Task DisposeAsync()
    {
        await connection.DisposeAsync();
        await redis.DisposeAsync();
    }

    [Fact]
    public void An_accounts_keys_share_one_hash_slot_so_the_script_runs_on_Redis_Cluster()
    {
        var events = (string)store.EventsKey("L1/A-5")!;
        var snapshot = (string)store.SnapshotKey("L1/A-5")!;

        Assert.Equal("svc/accounts/{L1/A-5}/events", events);
        Assert.Equal("svc/accounts/{L1/A-5}/snapshot", snapshot);
        Assert.Throws<ArgumentException>(() => store.EventsKey("L1/{A}"));
    }

    [Fact]
    public async Task An_acknowledged_append_survives_a_crash_of_Redis()
    {
        Assert.True(await store.AppendAsync("L1/A-6", 0, Utf8.Texts("e1", "e2"), Utf8.Text("s2")));

        await redis.KillAsync();
        await redis.StartProcessAsync();
        await using var again = await redis.ConnectAsync();
        var reopened = new RedisAccountEventStore(again, "svc");

        Assert.Equal((2L, "s2"), Read(await reopened.LoadAsync("L1/A-6")));
        Assert.Equal(["e1", "e2"], await reopened.ReadEventsAsync("L1/A-6", 0, 10));
    }
}
