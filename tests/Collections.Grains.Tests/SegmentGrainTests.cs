using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Strategies;

namespace Collections.Grains.Tests;

/// <summary>A lender's segmented strategy on the cluster: the view shows the segment, and small debts skip Legal.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SegmentGrainTests(ClusterFixture fixture)
{
    private const string Lender = "L-segments";

    private const string Actor = $"lender:{Lender}";

    private async Task<IAccountGrain> OpenAsync(decimal principal, int daysPastDue)
    {
        var strategy = StrategyDocument.Parse("""
            { "segments": [ { "name": "small-balance", "when": { "maxBalance": 500 }, "legal": { "enabled": false } } ] }
            """);
        await fixture.Client.GetGrain<ILenderGrain>(Lender).PutStrategyAsync(strategy.NormalizedJson!);
        var accountRef = Accounts.NewRef();
        var grain = fixture.Client.GetGrain<IAccountGrain>(AccountKey.For(Lender, accountRef));
        await grain.UpsertAsync(Accounts.Record(accountRef, fixture.Today.AddDays(-daysPastDue), principal), Actor);
        return grain;
    }

    [Fact]
    public async Task A_small_balance_account_is_shown_in_its_segment_and_stays_in_Mid_past_the_Legal_threshold()
    {
        var grain = await OpenAsync(300m, 100);

        var view = (await grain.GetViewAsync())!;

        Assert.Equal(("small-balance", Stage.Mid), (view.Segment, view.Stage));
        Assert.Equal("enter ChargedOff", view.NextWakeReason);
    }

    [Fact]
    public async Task An_account_outside_every_segment_has_no_segment_and_enters_Legal()
    {
        var grain = await OpenAsync(5000m, 100);

        var view = (await grain.GetViewAsync())!;

        Assert.Equal((null, Stage.Legal), (view.Segment, view.Stage));
    }

    [Fact]
    public async Task A_payment_that_brings_the_balance_into_a_segment_changes_it_at_once()
    {
        var grain = await OpenAsync(800m, 40);

        var result = await grain.PayAsync("P1", 400m, null, Actor);

        Assert.Equal("small-balance", result.View!.Segment);
    }
}
