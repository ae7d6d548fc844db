using Collections.Grains.Storage;
using Collections.Testing;

namespace Collections.Grains.Tests;

/// <summary>The event stores list every stored account (what the index rebuild walks), in memory, on a real Redis and on Azurite.</summary>
public abstract class AccountEnumerationContract
{
    protected abstract IAccountEventStore Store { get; }

    [Fact]
    public async Task Every_account_with_a_snapshot_is_listed_once_by_its_key()
    {
        var lender = $"L-{Guid.NewGuid():N}";
        string[] keys = [$"{lender}/A-1", $"{lender}/A:2.x_y-z", $"{lender}/A-3"];
        foreach (var key in keys)
        {
            Assert.True(await Store.AppendAsync(key, 0, Utf8.Texts("{}"), Utf8.Text("{}")));
        }

        var listed = new List<string>();
        await foreach (var key in Store.ListAccountKeysAsync())
        {
            listed.Add(key);
        }

        Assert.Equal(keys.Order(), listed.Where(k => k.StartsWith(lender, StringComparison.Ordinal)).Order());
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }
}

public sealed class InMemoryAccountEnumerationTests : AccountEnumerationContract
{
    protected override IAccountEventStore Store { get; } = new InMemoryAccountEventStore();
}

public sealed class RedisAccountEnumerationTests(RedisFixture redis) : AccountEnumerationContract, IClassFixture<RedisFixture>
{
    protected override IAccountEventStore Store { get; } = new RedisAccountEventStore(redis.Connection, "test");
}

public sealed class AzureAccountEnumerationTests(AzuriteFixture azurite) : AccountEnumerationContract, IClassFixture<AzuriteFixture>
{
    protected override IAccountEventStore Store { get; } = new AzureAccountEventStore(azurite.Server.Tables(), "test");
}
