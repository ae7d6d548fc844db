using System.Text.Json;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Microsoft.Extensions.DependencyInjection;
using static Collections.Grains.Tests.Accounts;

namespace Collections.Grains.Tests;

/// <summary>
/// Negotiation, disputes, holds and litigation on the cluster, driven by each account's own wake on fake
/// time. Default strategy: Mid at DPD 31, Legal at 91, grace 2 days; accounts are in UTC.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NegotiationGrainTests(ClusterFixture fixture)
{
    private const string Actor = "lender:L-test";

    private IGrainFactory Grains => fixture.Client;

    private DateOnly Day(int fromToday) => fixture.Today.AddDays(fromToday);

    private static DateTimeOffset StartOf(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>A fresh account <paramref name="dpd"/> days past due today.</summary>
    private async Task<IAccountGrain> OpenAsync(int dpd, decimal principal = 1000m)
    {
        var accountRef = NewRef();
        var grain = Grains.Grain(accountRef);
        await grain.UpsertAsync(Record(accountRef, fixture.Today.AddDays(-dpd), principal), Actor);
        return grain;
    }

    private async Task AdvanceUntilAsync(DateTimeOffset instant, TimeSpan? step = null)
    {
        var by = instant - fixture.Time.GetUtcNow();
        if (by > TimeSpan.Zero)
        {
            await fixture.AdvanceAsync(by, step);
        }
    }

    private static async Task<List<JsonElement>> HistoryAsync(IAccountGrain grain)
    {
        var view = await grain.GetViewAsync();
        var events = new List<JsonElement>();
        await foreach (var json in grain.ReadAllAsync(view!.EventCount))
        {
            events.Add(JsonDocument.Parse(json).RootElement);
        }

        return events;
    }

    private static string Type(JsonElement e) => e.GetProperty("type").GetString()!;

    [Fact]
    public async Task A_broken_promise_is_decided_by_the_accounts_own_wake_and_escalation_resumes_at_once()
    {
        var grain = await OpenAsync(dpd: 28);
        var promised = await grain.MakePromiseAsync(100m, Day(1), Actor);
        Assert.Equal("promise", promised.View!.EscalationHeldBy);
        var deadline = StartOf(Day(4));
        Assert.Equal(deadline, promised.View.Promise!.DecidedAt);
        Assert.Equal(deadline, promised.View.NextWakeAt);

        await grain.PayAsync("P-part", 40m, null, Actor);
        await AdvanceUntilAsync(deadline - TimeSpan.FromMinutes(5));
        var before = await grain.GetViewAsync();
        Assert.Equal((Stage.Early, 31), (before!.Stage, before.DaysPastDue));
        Assert.NotNull(before.Promise);

        await fixture.AdvanceAsync(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(1));
        await fixture.Eventually(async () => (await grain.GetViewAsync())!.PromisesBroken == 1, "the wake decides the promise broken");

        var after = await grain.GetViewAsync();
        Assert.Equal(Stage.Mid, after!.Stage);
        Assert.Null(after.Promise);
        Assert.Null(after.EscalationHeldBy);
        var history = await HistoryAsync(grain);
        var broken = history.Single(e => Type(e) == "PromiseBroken");
        Assert.Equal("system", broken.GetProperty("actor").GetString());
        Assert.Equal(40m, broken.GetProperty("data").GetProperty("paid").GetDecimal());
        Assert.Equal("StageEntered", Type(history[history.IndexOf(broken) + 1]));
    }

    [Fact]
    public async Task A_payment_racing_the_wake_at_the_promise_deadline_gives_one_outcome()
    {
        var grain = await OpenAsync(dpd: 10);
        await grain.MakePromiseAsync(100m, Day(0), Actor);
        var deadline = StartOf(Day(3));
        await AdvanceUntilAsync(deadline - TimeSpan.FromSeconds(1), TimeSpan.FromHours(6));

        await Task.WhenAll(grain.PayAsync("P-race", 100m, null, Actor), fixture.AdvanceAsync(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1)));
        await fixture.Eventually(async () => (await grain.GetViewAsync())!.Promise is null, "the promise is decided");

        var history = await HistoryAsync(grain);
        var decision = Assert.Single(history, e => Type(e) is "PromiseKept" or "PromiseBroken");
        var payment = Assert.Single(history, e => Type(e) == "PaymentReceived");
        var paidFirst = payment.GetProperty("seq").GetInt64() < decision.GetProperty("seq").GetInt64();
        Assert.Equal(paidFirst, Type(decision) == "PromiseKept");
        Assert.Equal(paidFirst, payment.GetProperty("at").GetDateTimeOffset() < deadline);
        var view = await grain.GetViewAsync();
        Assert.Equal((paidFirst ? 1 : 0, paidFirst ? 0 : 1), (view!.PromisesKept, view.PromisesBroken));
    }

    [Fact]
    public async Task Two_plans_submitted_at_once_give_one_plan_and_one_conflict()
    {
        var grain = await OpenAsync(dpd: 20);
        var first = new PlanTerms([new PlanInstallment(Day(5), 500m), new PlanInstallment(Day(35), 500m)], Waiver.None);
        var second = new PlanTerms([new PlanInstallment(Day(7), 1000m)], Waiver.None);

        var results = await Task.WhenAll(grain.SubmitPlanAsync(first, Actor), grain.SubmitPlanAsync(second, Actor));

        var accepted = Assert.Single(results, r => r.View is not null);
        var refused = Assert.Single(results, r => r.RejectionKind is not null);
        Assert.Equal(RejectionKind.Conflict, refused.RejectionKind);
        Assert.Contains("a payment plan is in force", refused.Error, StringComparison.Ordinal);
        var view = await grain.GetViewAsync();
        Assert.Equal(accepted.View!.Plan!.Installments.AsEnumerable(), view!.Plan!.Installments.AsEnumerable());
        Assert.Single(await HistoryAsync(grain), e => Type(e) == "PlanSubmitted");
    }

    [Fact]
    public async Task A_plan_paid_installment_by_installment_holds_escalation_and_closes_the_account_as_Paid()
    {
        var accountRef = NewRef();
        var grain = Grains.Grain(accountRef);
        var record = Record(accountRef, fixture.Today.AddDays(-20)) with { Balance = new Balance(900m, 60m, 20m, 20m) };
        await grain.UpsertAsync(record, Actor);
        var terms = new PlanTerms(
            [new PlanInstallment(Day(5), 320m), new PlanInstallment(Day(35), 320m), new PlanInstallment(Day(65), 320m)],
            new Waiver(0, 20m, 20m));

        var submitted = await grain.SubmitPlanAsync(terms, Actor);
        Assert.Equal(ApprovalStatus.Active, submitted.View!.Plan!.Status);
        Assert.Equal(StartOf(Day(8)), submitted.View.NextWakeAt);

        var i = 0;
        foreach (var installment in terms.Installments)
        {
            await AdvanceUntilAsync(StartOf(installment.DueDate).AddHours(12));
            var paid = await grain.PayAsync($"I-{++i}", installment.Amount, null, Actor);
            Assert.Null(paid.RejectionKind);
        }

        var view = await grain.GetViewAsync();
        Assert.Equal(AccountStatus.Closed, view!.Status);
        Assert.Equal(ClosedReason.Paid, view.ClosedReason);
        Assert.Equal(Stage.Early, view.Stage);
        Assert.Equal((960m, 40m, 0m), (view.Collected, view.Forgiven, view.Balance.Total));
        Assert.Null(view.NextWakeAt);
        var reminders = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();
        Assert.Null(await reminders.ReadRow(grain.GetGrainId(), "wake"));
        Assert.DoesNotContain(await HistoryAsync(grain), e => Type(e) is "PlanBroken" or "StageEntered" && e.GetProperty("seq").GetInt64() > 3);
    }

    [Fact]
    public async Task A_missed_installment_breaks_the_plan_and_the_account_re_enters_escalation_at_the_stage_its_DPD_calls_for()
    {
        var grain = await OpenAsync(dpd: 20);
        await grain.SubmitPlanAsync(new PlanTerms([new PlanInstallment(Day(15), 400m), new PlanInstallment(Day(45), 600m)], Waiver.None), Actor);

        await AdvanceUntilAsync(StartOf(Day(18)) - TimeSpan.FromMinutes(5));
        Assert.Equal(Stage.Early, (await grain.GetViewAsync())!.Stage);
        await fixture.AdvanceAsync(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(1));
        await fixture.Eventually(async () => (await grain.GetViewAsync())!.Plan is null, "the wake breaks the plan");

        var view = await grain.GetViewAsync();
        Assert.Equal((Stage.Mid, 38), (view!.Stage, view.DaysPastDue));
        Assert.Equal(1000m, view.Balance.Total);
        var types = (await HistoryAsync(grain)).Select(Type).Where(t => !t.StartsWith("Contact", StringComparison.Ordinal)).ToList();
        Assert.Equal(["PlanSubmitted", "PlanBroken", "StageEntered"], types.Skip(types.IndexOf("PlanSubmitted")));
    }

    [Fact]
    public async Task A_dispute_stops_escalation_until_it_is_verified_and_upheld_closes_as_WrittenOff()
    {
        var grain = await OpenAsync(dpd: 28);
        var opened = await grain.OpenDisputeAsync("the debtor says it was repaid", Actor);
        Assert.True(opened.View!.Dispute!.WithinValidationWindow);
        Assert.Null(opened.View.NextWakeAt);

        await fixture.AdvanceAsync(TimeSpan.FromDays(5));
        var held = await grain.GetViewAsync();
        Assert.Equal((Stage.Early, "dispute"), (held!.Stage, held.EscalationHeldBy));

        var verified = await grain.ResolveDisputeAsync(DisputeOutcome.Verified, Actor);
        Assert.Equal(Stage.Mid, verified.View!.Stage);
        Assert.Null(verified.View.Dispute);

        await grain.OpenDisputeAsync("again", Actor);
        var upheld = await grain.ResolveDisputeAsync(DisputeOutcome.Upheld, Actor);
        Assert.Equal(ClosedReason.WrittenOff, upheld.View!.ClosedReason);
    }

    [Fact]
    public async Task A_bankruptcy_hold_stops_escalation_and_releasing_it_resumes_at_the_stage_the_DPD_calls_for()
    {
        var grain = await OpenAsync(dpd: 85);
        var held = await grain.PlaceHoldAsync(HoldType.Bankruptcy, "chapter 7 filing", Actor);
        var hold = Assert.Single(held.View!.Holds);
        Assert.Equal(["Escalation", "Contact", "Placement", "Litigation", "Negotiation"], hold.Stops.AsEnumerable());
        Assert.Equal(RejectionKind.Conflict, (await grain.MakePromiseAsync(50m, Day(2), Actor)).RejectionKind);

        await fixture.AdvanceAsync(TimeSpan.FromDays(10));
        Assert.Equal(Stage.Early + 1, (await grain.GetViewAsync())!.Stage);

        var released = await grain.ReleaseHoldAsync(HoldType.Bankruptcy, Actor);
        Assert.Equal(Stage.Legal, released.View!.Stage);
        Assert.Empty(released.View.Holds);
        Assert.Equal(RejectionKind.NotFound, (await grain.ReleaseHoldAsync(HoldType.Bankruptcy, Actor)).RejectionKind);
    }

    [Fact]
    public async Task A_settlement_paid_in_time_closes_as_Settled_and_an_unpaid_one_expires_by_the_wake()
    {
        var settled = await OpenAsync(dpd: 40);
        var offer = await settled.OfferSettlementAsync(950m, Day(10), Actor);
        Assert.Equal(ApprovalStatus.Active, offer.View!.Settlement!.Status);
        var paid = await settled.PayAsync("S-1", 950m, null, Actor);
        Assert.Equal((ClosedReason.Settled, 50m), (paid.View!.ClosedReason, paid.View.Forgiven));

        var lapsing = await OpenAsync(dpd: 85);
        await lapsing.OfferSettlementAsync(950m, Day(3), Actor);
        await AdvanceUntilAsync(StartOf(Day(4)) + TimeSpan.FromMinutes(1));
        await fixture.Eventually(async () => (await lapsing.GetViewAsync())!.Settlement is null, "the wake expires the offer");
        Assert.Equal(Stage.Mid, (await lapsing.GetViewAsync())!.Stage);
    }

    [Fact]
    public async Task Litigation_steps_are_recorded_in_the_Legal_stage_and_refused_out_of_order()
    {
        var grain = await OpenAsync(dpd: 100);
        Assert.Equal(RejectionKind.Conflict, (await grain.RecordLitigationStepAsync(LitigationStep.Judgment, null, null, null, Actor)).RejectionKind);

        var filed = await grain.RecordLitigationStepAsync(LitigationStep.Filed, Day(-1), "CASE-42", null, "lender:L-test");
        var judged = await grain.RecordLitigationStepAsync(LitigationStep.Judgment, null, null, "for the lender", Actor);

        Assert.Equal(new LitigationView("CASE-42", Day(-1), null, LitigationStep.Filed, Day(-1), 1), filed.View!.Litigation);
        Assert.Equal(new LitigationView("CASE-42", Day(-1), Day(0), LitigationStep.Judgment, Day(0), 2), judged.View!.Litigation);
    }

    [Fact]
    public async Task A_refused_command_leaves_the_account_untouched()
    {
        var grain = await OpenAsync(dpd: 20);
        await grain.CloseAsync(ClosedReason.Recalled, Actor);
        var before = await grain.GetViewAsync();

        var results = new[]
        {
            await grain.MakePromiseAsync(100m, Day(2), Actor),
            await grain.SubmitPlanAsync(new PlanTerms([new PlanInstallment(Day(2), 1000m)], Waiver.None), Actor),
            await grain.OfferSettlementAsync(900m, Day(2), Actor),
            await grain.ApprovePlanAsync(Actor),
            await grain.OpenDisputeAsync("late", Actor),
        };

        Assert.All(results, r => Assert.Equal(RejectionKind.Conflict, r.RejectionKind));
        var after = await grain.GetViewAsync();
        Assert.Equal((before!.EventCount, before.Status, before.ClosedReason), (after!.EventCount, after.Status, after.ClosedReason));
        Assert.Equal((before.Promise, before.Plan, before.Settlement, before.Dispute), (after.Promise, after.Plan, after.Settlement, after.Dispute));
    }

    [Fact]
    public async Task The_whole_audit_trail_of_an_account_with_thousands_of_events_reads_back_complete_and_in_order()
    {
        var grain = await OpenAsync(dpd: 10, principal: 100_000m);
        const int payments = 2_500;
        for (var i = 0; i < payments; i++)
        {
            await grain.PayAsync($"P-{i}", 0.01m, null, Actor);
        }

        var history = await HistoryAsync(grain);

        var view = await grain.GetViewAsync();
        Assert.Equal(view!.EventCount, history.Count);
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(payments, history.Count(e => Type(e) == "PaymentReceived"));
        Assert.Equal(["AccountOpened", "StageEntered", "StageEntered"], history.Take(3).Select(Type));
    }
}
