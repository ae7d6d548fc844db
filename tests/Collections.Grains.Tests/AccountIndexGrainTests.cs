using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using static Collections.Grains.Tests.Accounts;

namespace Collections.Grains.Tests;

/// <summary>
/// The account read model fed by the accounts' own commits on the 3-silo cluster: what a command changes is
/// searchable when the command returns, approvals wait in it with their submitter, and it can be rebuilt
/// from the stored accounts.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AccountIndexGrainTests(ClusterFixture fixture)
{
    private const string Maker = "lender:L-index@maker";
    private const string Checker = "lender:L-index@checker";

    private readonly string lender = $"L-{Guid.NewGuid():N}"[..20];

    private IAccountIndexGrain Search => fixture.Client.GetGrain<IAccountIndexGrain>(0);

    private async Task<IAccountGrain> OpenAsync(string accountRef, int dpd)
    {
        var grain = fixture.Client.GetGrain<IAccountGrain>(AccountKey.For(lender, accountRef));
        await grain.UpsertAsync(Record(accountRef, fixture.Today.AddDays(-dpd)), Maker);
        return grain;
    }

    private static AccountSummary Content(AccountSummary summary) => summary with { Version = 0 };

    private async Task<List<string>> FindAsync(AccountQuery query) =>
        [.. (await Search.SearchAsync(lender, query)).Items.Select(s => s.AccountRef)];

    [Fact]
    public async Task An_account_is_found_by_its_stage_and_bucket_as_soon_as_it_is_opened_and_moves_when_it_closes()
    {
        await OpenAsync("A-early", dpd: 10);
        var mid = await OpenAsync("A-mid", dpd: 40);

        Assert.Equal(["A-early"], await FindAsync(new AccountQuery(Stage: Stage.Early, Bucket: "M1")));
        Assert.Equal(["A-mid"], await FindAsync(new AccountQuery(Stage: Stage.Mid, Bucket: "M2", Status: AccountStatus.Active)));

        await mid.CloseAsync(ClosedReason.Recalled, Maker);

        Assert.Equal(["A-mid"], await FindAsync(new AccountQuery(Status: AccountStatus.Closed)));
        Assert.Equal(["A-early"], await FindAsync(new AccountQuery(Status: AccountStatus.Active)));
    }

    [Fact]
    public async Task A_settlement_waits_in_the_approvals_with_its_maker_who_may_not_approve_it_and_leaves_once_another_key_does()
    {
        var grain = await OpenAsync("A-settle", dpd: 20);
        var offered = await grain.OfferSettlementAsync(700m, fixture.Today.AddDays(10), Maker);
        Assert.Equal(ApprovalStatus.PendingApproval, offered.View!.Settlement!.Status);

        var pending = Assert.Single((await Search.SearchAsync(lender, new AccountQuery(PendingApproval: true))).Items);
        Assert.Equal(new PendingApproval(ApprovalKind.Settlement, 30m, Maker, pending.Pending!.SubmittedAt), pending.Pending);

        var own = await grain.ApproveSettlementAsync(Maker);
        Assert.Equal(RejectionKind.Forbidden, own.RejectionKind);
        Assert.Contains("maker–checker", own.Error, StringComparison.Ordinal);

        Assert.Equal(ApprovalStatus.Active, (await grain.ApproveSettlementAsync(Checker)).View!.Settlement!.Status);
        Assert.Empty(await FindAsync(new AccountQuery(PendingApproval: true)));
    }

    [Fact]
    public async Task A_rebuild_from_the_stored_accounts_files_every_account_again_and_changes_no_answer()
    {
        await OpenAsync("A-1", dpd: 5);
        await OpenAsync("A-2", dpd: 95);
        var before = await Search.SearchAsync(lender, new AccountQuery());

        var rebuilt = await Search.RebuildAsync();

        Assert.True(rebuilt >= 2, $"rebuilt {rebuilt}");
        // Versions may move on (contacts the accounts sent meanwhile change nothing else): the content may not.
        Assert.Equal(before.Items.Select(Content), (await Search.SearchAsync(lender, new AccountQuery())).Items.Select(Content));
        Assert.Equal(["A-2"], await FindAsync(new AccountQuery(RiskTier: RiskTier.High)));
    }
}
