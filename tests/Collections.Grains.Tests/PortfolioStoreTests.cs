using Collections.Domain;
using Collections.Domain.Portfolio;
using Collections.Grains.Portfolio;
using Collections.Testing;

namespace Collections.Grains.Tests;

/// <summary>What every portfolio store must do, in memory, on a real Redis and on Azure Table storage (Azurite).</summary>
public abstract class PortfolioStoreContract
{
    protected abstract IPortfolioStore Store { get; }

    [Fact]
    public async Task A_lender_is_listed_once_its_first_account_reports_and_its_counters_follow_the_reports()
    {
        var lender = $"L-{Guid.NewGuid():N}";
        var silent = $"L-{Guid.NewGuid():N}";
        await Store.GetContributionAsync(silent, "A-1");

        var early = Contribution(Stage.Early, "M1");
        Assert.True((await Store.ReportAsync(lender, "A-1", null, early, "2026-03")).Applied);
        Assert.True((await Store.ReportAsync(lender, "A-2", null, early, "2026-03")).Applied);
        Assert.True((await Store.ReportAsync(lender, "A-2", early, Contribution(Stage.Mid, "M2"), "2026-03")).Applied);

        var lenders = await Store.ListLendersAsync();
        Assert.Contains(lender, lenders);
        Assert.DoesNotContain(silent, lenders);
        var counters = await Store.ReadCountersAsync(lender);
        Assert.Equal(1, counters["stage|Early"]);
        Assert.Equal(1, counters["stage|Mid"]);
    }

    [Fact]
    public async Task A_report_from_a_stale_expectation_changes_nothing_and_returns_what_is_stored()
    {
        var lender = $"L-{Guid.NewGuid():N}";
        var early = Contribution(Stage.Early, "M1");
        var mid = Contribution(Stage.Mid, "M2");
        Assert.True((await Store.ReportAsync(lender, "A-1", null, early, "2026-03")).Applied);

        var stale = await Store.ReportAsync(lender, "A-1", null, mid, "2026-03");

        Assert.False(stale.Applied);
        Assert.Equal(early, stale.Stored);
        Assert.Equal(early, await Store.GetContributionAsync(lender, "A-1"));
        Assert.Equal(1, (await Store.ReadCountersAsync(lender))["stage|Early"]);
    }

    [Fact]
    public async Task Reports_of_many_accounts_at_once_each_land_once()
    {
        var lender = $"L-{Guid.NewGuid():N}";
        var early = Contribution(Stage.Early, "M1");
        var mid = Contribution(Stage.Mid, "M2");

        var opened = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Store.ReportAsync(lender, $"A-{i}", null, early, "2026-03")));
        var moved = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Store.ReportAsync(lender, $"A-{i}", early, mid, "2026-03")));
        var stale = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Store.ReportAsync(lender, $"A-{i}", null, early, "2026-03")));

        Assert.All(opened.Concat(moved), r => Assert.True(r.Applied));
        Assert.All(stale, r => Assert.Equal((false, mid), r));
        var counters = await Store.ReadCountersAsync(lender);
        Assert.Equal(200, counters["stage|Early"]);
        Assert.Equal(100, counters["stage|Mid"]);
    }

    [Fact]
    public async Task Replaying_a_report_is_applied_once()
    {
        var lender = $"L-{Guid.NewGuid():N}";
        var early = Contribution(Stage.Early, "M1");

        Assert.True((await Store.ReportAsync(lender, "A-1", null, early, "2026-03")).Applied);
        Assert.True((await Store.ReportAsync(lender, "A-1", null, early, "2026-03")).Applied);

        Assert.Equal(1, (await Store.ReadCountersAsync(lender))["stage|Early"]);
    }

    private static PortfolioContribution Contribution(Stage stage, string bucket) =>
        new(AccountStatus.Active, stage, bucket, "CNY", 100m, 0m, StrategyVariant.Champion, bucket == "M1" ? 0 : 1);
}

public sealed class InMemoryPortfolioStoreTests : PortfolioStoreContract
{
    protected override IPortfolioStore Store { get; } = new InMemoryPortfolioStore();
}

public sealed class RedisPortfolioStoreTests(RedisFixture redis) : PortfolioStoreContract, IClassFixture<RedisFixture>
{
    protected override IPortfolioStore Store { get; } = new RedisPortfolioStore(redis.Connection, "test");
}

public sealed class AzurePortfolioStoreTests(AzuriteFixture azurite) : PortfolioStoreContract, IClassFixture<AzuriteFixture>
{
    protected override IPortfolioStore Store { get; } = new AzurePortfolioStore(azurite.Server.Tables(), "test");
}
