using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Queues;
using Collections.Domain.Strategies;
using Microsoft.Extensions.DependencyInjection;

namespace Collections.Grains.Tests;

/// <summary>
/// The compliant work queue on the three-silo cluster: what <c>next</c> hands out, to whom, and in which
/// order. Each test has its own lender, whose strategy sends no contacts by itself (so that only the
/// test's contacts count towards the caps) and has weekly buckets (so that the bucket order shows within Early).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WorkQueueTests(ClusterFixture fixture)
{
    private const string QuietWeeklyStrategy =
        """{"contactPlan": [], "buckets": [{"name":"W1","fromDpd":1},{"name":"W2","fromDpd":8},{"name":"W3","fromDpd":15}]}""";

    private static readonly Team EarlyTeam = new("Early team", [Stage.Early], [], 15);

    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task Two_collectors_making_eight_concurrent_calls_on_three_silos_never_hold_the_same_account()
    {
        var lender = await NewLenderAsync();
        var accounts = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            accounts.Add(await OpenAsync(lender, dpd: 10, principal: 1000m + i));
        }

        var silos = fixture.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<IGrainFactory>()).ToList();
        Assert.Equal(3, silos.Count);
        var calls = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => silos[i % 3].GetGrain<IWorkQueueGrain>(lender).NextAsync("T1", EarlyTeam, i % 2 == 0 ? "collector:ann" : "collector:bob"))));

        var handed = calls.OfType<WorkAssignment>().Select(a => a.AccountRef).ToList();
        Assert.Equal(accounts.Order(), handed.Order());
        Assert.Equal(2, calls.Count(c => c is null));
        Assert.Equal(new TeamQueueCounts(6, 6), await Queue(lender).CountAsync("T1", EarlyTeam));
    }

    [Fact]
    public async Task An_account_on_hold_disputed_at_its_call_cap_or_paid_is_not_handed_out()
    {
        var lender = await NewLenderAsync();
        var held = await OpenAsync(lender, dpd: 10, principal: 5000m);
        var disputed = await OpenAsync(lender, dpd: 10, principal: 4000m);
        var capped = await OpenAsync(lender, dpd: 10, principal: 3000m);
        var paid = await OpenAsync(lender, dpd: 10, principal: 2000m);
        var callable = await OpenAsync(lender, dpd: 10, principal: 100m);

        const string actor = "lender:test";
        await Account(lender, held).PlaceHoldAsync(HoldType.CeaseCommunication, null, actor);
        await Account(lender, disputed).OpenDisputeAsync("not mine", actor);
        for (var call = 0; call < 3; call++)
        {
            var recorded = await Contacts(lender, capped).RecordContactAsync(new TeamContact(ContactChannel.Call, ContactOutcome.Conversation, null), actor);
            Assert.True(recorded.Recorded, recorded.Error);
        }

        await Account(lender, paid).PayAsync("P-1", 2000m, null, actor);

        Assert.Equal(callable, (await Queue(lender).NextAsync("T1", EarlyTeam, "collector:ann"))?.AccountRef);
        Assert.Null(await Queue(lender).NextAsync("T1", EarlyTeam, "collector:bob"));
        Assert.Equal(new TeamQueueCounts(2, 1), await Queue(lender).CountAsync("T1", EarlyTeam));
    }

    [Fact]
    public async Task An_account_whose_calling_hours_ended_is_skipped_and_offered_again_when_they_begin()
    {
        var lender = await NewLenderAsync();
        var accountRef = await OpenAsync(lender, dpd: 10);
        var evening = fixture.Today.ToDateTime(new TimeOnly(22, 30));
        await fixture.AdvanceAsync(new DateTimeOffset(evening, TimeSpan.Zero) - fixture.Time.GetUtcNow(), TimeSpan.FromHours(1));

        Assert.Null(await Queue(lender).NextAsync("T1", EarlyTeam, "collector:ann"));
        var stored = await fixture.WorkQueues.CandidatesAsync(lender, [Stage.Early], [], fixture.Time.GetUtcNow(), 10);
        Assert.Empty(stored);

        await InsideCallingHoursAsync();
        var next = await Queue(lender).NextAsync("T1", EarlyTeam, "collector:ann");
        Assert.Equal(accountRef, next?.AccountRef);
        Assert.Equal(fixture.Time.GetUtcNow() + TimeSpan.FromMinutes(15), next!.LeaseExpiresAt);
    }

    [Fact]
    public async Task A_broken_promise_comes_first_then_a_later_bucket_a_higher_balance_and_a_lower_score()
    {
        var lender = await NewLenderAsync();
        var broken = await OpenAsync(lender, dpd: 5, principal: 50m);
        Assert.Null((await Account(lender, broken).MakePromiseAsync(20m, fixture.Today, "lender:test")).Error);
        await fixture.AdvanceAsync(TimeSpan.FromDays(3), TimeSpan.FromHours(6));
        await fixture.Eventually(async () => (await Account(lender, broken).GetViewAsync())!.PromisesBroken == 1, "the promise is broken");
        await InsideCallingHoursAsync();

        var smallerInW2 = await OpenAsync(lender, dpd: 10, principal: 500m);
        var smallInW3 = await OpenAsync(lender, dpd: 20, principal: 100m);
        var highScore = await OpenAsync(lender, dpd: 10, principal: 2000m, score: 700);
        var lowScore = await OpenAsync(lender, dpd: 10, principal: 2000m, score: 200);
        var noScore = await OpenAsync(lender, dpd: 10, principal: 2000m);

        var order = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            order.Add((await Queue(lender).NextAsync("T1", EarlyTeam, "collector:ann"))?.AccountRef);
        }

        Assert.Equal([broken, smallInW3, lowScore, highScore, noScore, smallerInW2], order);
        Assert.Null(await Queue(lender).NextAsync("T1", EarlyTeam, "collector:ann"));
    }

    [Fact]
    public async Task A_released_account_is_handed_out_again_and_only_its_holder_may_release_it()
    {
        var lender = await NewLenderAsync();
        var accountRef = await OpenAsync(lender, dpd: 10);
        var first = await Queue(lender).NextAsync("T1", EarlyTeam, "collector:ann");
        Assert.Equal(accountRef, first?.AccountRef);
        Assert.Contains("W2 (DPD 10)", first!.Reason, StringComparison.Ordinal);

        Assert.Equal(LeaseRelease.HeldByAnother, await Queue(lender).ReleaseAsync(accountRef, "collector:bob", anyHolder: false));
        Assert.Null(await Queue(lender).NextAsync("T1", EarlyTeam, "collector:bob"));
        Assert.Equal(LeaseRelease.Released, await Queue(lender).ReleaseAsync(accountRef, "collector:ann", anyHolder: false));
        Assert.Equal(accountRef, (await Queue(lender).NextAsync("T1", EarlyTeam, "collector:bob"))?.AccountRef);
    }

    private async Task<string> NewLenderAsync()
    {
        var lender = $"L-{Guid.NewGuid():N}";
        var strategy = StrategyDocument.Parse(QuietWeeklyStrategy);
        Assert.Empty(strategy.Errors);
        await Grains.GetGrain<ILenderGrain>(lender).PutStrategyAsync(strategy.NormalizedJson!);
        await Grains.GetGrain<ITeamGrain>($"{lender}/T1").PutAsync(EarlyTeam);
        await InsideCallingHoursAsync();
        return lender;
    }

    /// <summary>Moves the clock into the CN profile's calling hours (08:00–22:00 in the debtors' zone, UTC), with a margin.</summary>
    private async Task InsideCallingHoursAsync()
    {
        var now = fixture.Time.GetUtcNow();
        if (now.Hour is >= 9 and < 19)
        {
            return;
        }

        var morning = new DateTimeOffset(DateOnly.FromDateTime(now.UtcDateTime).ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        await fixture.AdvanceAsync((morning > now ? morning : morning.AddDays(1)) - now, TimeSpan.FromHours(1));
    }

    private async Task<string> OpenAsync(string lender, int dpd, decimal principal = 1000m, int? score = null)
    {
        var accountRef = Accounts.NewRef();
        var record = Accounts.Record(accountRef, fixture.Today.AddDays(-dpd), principal) with { Score = score };
        await Account(lender, accountRef).UpsertAsync(record, "lender:test");
        return accountRef;
    }

    private IAccountGrain Account(string lender, string accountRef) => Grains.GetGrain<IAccountGrain>(AccountKey.For(lender, accountRef));

    private IAccountContactsGrain Contacts(string lender, string accountRef) => Grains.GetGrain<IAccountContactsGrain>(AccountKey.For(lender, accountRef));

    private IWorkQueueGrain Queue(string lender) => Grains.GetGrain<IWorkQueueGrain>(lender);
}
