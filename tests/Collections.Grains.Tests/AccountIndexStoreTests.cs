using Collections.Contracts;
using Collections.Domain;
using Collections.Grains.Index;
using Collections.Testing;

namespace Collections.Grains.Tests;

/// <summary>What every account index must do, in memory, on a real Redis and on Azurite: each filter alone and combined, in pages.</summary>
public abstract class AccountIndexContract
{
    private static readonly Stage[] Stages = [Stage.Notice, Stage.Early, Stage.Mid, Stage.Legal];

    protected abstract IAccountIndex Index { get; }

    /// <summary>300 accounts spread over every filter value, deterministic.</summary>
    private static List<AccountSummary> Portfolio() =>
        [.. Enumerable.Range(0, 300).Select(i => Summary(
            $"A-{i:D4}",
            status: i % 10 == 0 ? AccountStatus.Closed : AccountStatus.Active,
            stage: Stages[i % 4],
            bucket: $"M{(i % 6) + 1}",
            balance: 100m * (i % 50),
            tier: (RiskTier)(i % 3),
            agencyId: i % 4 == 2 ? $"AG-{i % 3}" : null,
            customerId: $"C-{i % 40}",
            pending: i % 25 == 0 ? new PendingApproval(ApprovalKind.Plan, 15m, "lender:L1@k1", DateTimeOffset.UnixEpoch) : null))];

    public static TheoryData<string> Queries => [.. QueriesByName.Keys];

    private static readonly Dictionary<string, AccountQuery> QueriesByName = new()
    {
        ["everything"] = new(),
        ["status"] = new(Status: AccountStatus.Closed),
        ["stage"] = new(Stage: Stage.Mid),
        ["bucket"] = new(Bucket: "M3"),
        ["riskTier"] = new(RiskTier: RiskTier.High),
        ["agencyId"] = new(AgencyId: "AG-1"),
        ["customerId"] = new(CustomerId: "C-7"),
        ["balance range"] = new(MinBalance: 1000m, MaxBalance: 2500m),
        ["pending approval"] = new(PendingApproval: true),
        ["stage and bucket"] = new(Stage: Stage.Early, Bucket: "M2"),
        ["status, stage, tier and balance"] = new(Status: AccountStatus.Active, Stage: Stage.Legal, RiskTier: RiskTier.Medium, MinBalance: 500m),
        ["a value no account has"] = new(Bucket: "M9"),
        ["segment (none filed yet)"] = new(Segment: "vip"),
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task A_search_pages_through_exactly_the_accounts_that_match_every_filter_in_accountRef_order(string name)
    {
        var lender = NewLender();
        var portfolio = Portfolio();
        await Task.WhenAll(portfolio.Select(s => Index.UpsertAsync(lender, s)));
        var query = QueriesByName[name];

        var found = await AllPagesAsync(lender, query with { Limit = 7 });

        var expected = portfolio.Where(s => AccountIndexTerms.Matches(s, query)).Select(s => s.AccountRef).Order(StringComparer.Ordinal);
        Assert.Equal(expected, found.Select(s => s.AccountRef));
    }

    [Fact]
    public async Task A_changed_account_leaves_the_sets_of_its_old_values_and_an_older_summary_changes_nothing()
    {
        var lender = NewLender();
        var early = Summary("A-1", stage: Stage.Early, version: 3);
        await Index.UpsertAsync(lender, early);
        await Index.UpsertAsync(lender, early with { Version = 5, Stage = Stage.Mid, AgencyId = "AG-1" });
        await Index.UpsertAsync(lender, early with { Version = 4 });

        Assert.Empty((await Index.SearchAsync(lender, new AccountQuery(Stage: Stage.Early))).Items);
        var mid = Assert.Single((await Index.SearchAsync(lender, new AccountQuery(Stage: Stage.Mid, AgencyId: "AG-1"))).Items);
        Assert.Equal(5, mid.Version);
        Assert.Empty((await Index.SearchAsync(NewLender(), new AccountQuery())).Items);
    }

    [Fact]
    public async Task Paging_while_accounts_change_returns_each_account_that_kept_matching_once_and_in_order()
    {
        var lender = NewLender();
        var refs = Enumerable.Range(0, 200).Select(i => $"A-{i:D4}").ToList();
        await Task.WhenAll(refs.Select(r => Index.UpsertAsync(lender, Summary(r, stage: Stage.Early, version: 1))));

        var seen = new List<string>();
        string? after = null;
        var round = 0;
        do
        {
            var page = await Index.SearchAsync(lender, new AccountQuery(Status: AccountStatus.Active, After: after, Limit: 15));
            seen.AddRange(page.Items.Select(s => s.AccountRef));
            after = page.Next;

            // Between pages: some accounts change stage (still active), new ones arrive, a few close.
            round++;
            await Task.WhenAll(
                Index.UpsertAsync(lender, Summary(refs[(round * 37) % 200], stage: Stage.Mid, version: 1 + round)),
                Index.UpsertAsync(lender, Summary($"A-{round:D4}x", stage: Stage.Notice, version: 1)),
                Index.UpsertAsync(lender, Summary($"A-{199 - round:D4}", status: AccountStatus.Closed, version: 100 + round)));
        }
        while (after is not null);

        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        var closedDuringWalk = Enumerable.Range(1, round).Select(r => $"A-{199 - r:D4}").ToHashSet();
        Assert.All(refs.Where(r => !closedDuringWalk.Contains(r)), r => Assert.Contains(r, seen));
    }

    [Fact]
    public async Task A_rare_match_among_many_candidates_makes_short_pages_with_a_cursor_not_a_long_walk()
    {
        var lender = NewLender();
        var count = AccountIndexTerms.WalkBudget + 500;
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            Index.UpsertAsync(lender, Summary($"A-{i:D5}", stage: Stage.Early, bucket: i == count - 1 ? "M2" : "M1"))));
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            Index.UpsertAsync(lender, Summary($"B-{i:D5}", stage: Stage.Mid, bucket: "M2"))));

        var first = await Index.SearchAsync(lender, new AccountQuery(Stage: Stage.Early, Bucket: "M2", Limit: 10));

        Assert.Empty(first.Items);
        Assert.NotNull(first.Next);
        var all = await AllPagesAsync(lender, new AccountQuery(Stage: Stage.Early, Bucket: "M2", Limit: 10));
        Assert.Equal($"A-{count - 1:D5}", Assert.Single(all).AccountRef);
    }

    private async Task<List<AccountSummary>> AllPagesAsync(string lender, AccountQuery query)
    {
        var found = new List<AccountSummary>();
        var after = query.After;
        do
        {
            var page = await Index.SearchAsync(lender, query with { After = after });
            Assert.True(page.Items.Count <= query.Limit);
            found.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        return found;
    }

    private static string NewLender() => $"L-{Guid.NewGuid():N}";

    private static AccountSummary Summary(
        string accountRef, AccountStatus status = AccountStatus.Active, Stage stage = Stage.Early, string? bucket = "M1", decimal balance = 1000m,
        RiskTier tier = RiskTier.Low, string? agencyId = null, string? customerId = null, PendingApproval? pending = null, long version = 1) =>
        new(accountRef, version, customerId, status, stage, status == AccountStatus.Active ? bucket : null, new DateOnly(2026, 1, 1), "UTC", "CNY",
            new BalanceView(balance, 0, 0, 0, balance), tier, null, agencyId, pending);
}

public sealed class InMemoryAccountIndexTests : AccountIndexContract
{
    protected override IAccountIndex Index { get; } = new InMemoryAccountIndex();
}

public sealed class RedisAccountIndexTests(RedisFixture redis) : AccountIndexContract, IClassFixture<RedisFixture>
{
    protected override IAccountIndex Index { get; } = new RedisAccountIndex(redis.Connection, "test");
}

public sealed class AzureAccountIndexTests(AzuriteFixture azurite) : AccountIndexContract, IClassFixture<AzuriteFixture>
{
    protected override IAccountIndex Index { get; } = new AzureAccountIndex(azurite.Server.Tables(), "test");
}
