using Azure.Data.Tables;
using Collections.Cluster.Tests.Infrastructure;
using Collections.Grains.Storage;

namespace Collections.Cluster.Tests;

/// <summary>The contract against Azure Table storage (Azurite), and what is Azure's own: keys and transaction limits.</summary>
public sealed class AzureAccountEventStoreTests : AccountEventStoreContract, IAsyncLifetime
{
    private AzuriteServer azurite = null!;
    private AzureAccountEventStore store = null!;

    protected override IAccountEventStore Store => store;

    public async Task InitializeAsync()
    {
        azurite = await AzuriteServer.StartAsync();
        store = new AzureAccountEventStore(azurite.Tables(), "svc");
    }

    public async Task DisposeAsync() => await azurite.DisposeAsync();

    [Fact]
    public async Task An_account_is_one_partition_whose_key_escapes_the_slash_Azure_forbids()
    {
        Assert.True(await store.AppendAsync("L1/A-5", 0, Utf8.Texts("e1", "e2"), Utf8.Text("s2")));

        var table = azurite.Tables().GetTableClient(AzureAccountEventStore.TableName);
        var rows = await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"svc|L1%2FA-5"}")).ToListAsync();
        Assert.Equal([AzureAccountEventStore.EventsRow(2), "snapshot"], rows.Select(r => r.RowKey));
    }

    [Fact]
    public async Task A_writer_with_a_stale_ETag_loses_to_the_one_that_wrote_first()
    {
        var other = new AzureAccountEventStore(azurite.Tables(), "svc");
        Assert.True(await store.AppendAsync("L1/A-6", 0, Utf8.Texts("e1"), Utf8.Text("s1")));
        Assert.Equal(1, (await other.LoadAsync("L1/A-6"))!.Version);

        Assert.True(await store.AppendAsync("L1/A-6", 1, Utf8.Texts("e2"), Utf8.Text("s2")));
        Assert.False(await other.AppendAsync("L1/A-6", 1, Utf8.Texts("lost"), Utf8.Text("s-lost")));
        Assert.True(await other.AppendAsync("L1/A-6", 2, Utf8.Texts("e3"), Utf8.Text("s3")));

        Assert.Equal(["e1", "e2", "e3"], await store.ReadEventsAsync("L1/A-6", 0, 10));
        Assert.Equal((3L, "s3"), Read(await store.LoadAsync("L1/A-6")));
    }

    [Fact]
    public async Task Long_events_and_snapshots_span_several_properties_and_read_back_whole()
    {
        var big = new string('x', 70_000) + "é";
        Assert.True(await store.AppendAsync("L1/A-7", 0, Utf8.Texts(big, "small"), Utf8.Text(big)));

        Assert.Equal((2L, big), Read(await store.LoadAsync("L1/A-7")));
        Assert.Equal([big, "small"], await store.ReadEventsAsync("L1/A-7", 0, 10));
    }

    [Fact]
    public async Task An_append_larger_than_one_transaction_is_refused_with_the_limit_named()
    {
        var failure = await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync("L1/A-8", 0, Utf8.Texts(new string('x', 1_100_000)), Utf8.Text("s")));

        Assert.Contains("one Azure Table transaction", failure.Message, StringComparison.Ordinal);
        Assert.Null(await store.LoadAsync("L1/A-8"));
    }
}
