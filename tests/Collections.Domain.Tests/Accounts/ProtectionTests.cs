using Collections.Domain.Accounts;
using Collections.Domain.Events;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Accounts;

/// <summary>Disputes, holds and litigation steps under the default strategy (Mid at DPD 31, Legal at 91).</summary>
public class ProtectionTests
{
    private static readonly AccountRecord Debt = Records.Account().Build();

    private static DateOnly Day(int dpd) => Records.DueDate.AddDays(dpd);

    private static DateTimeOffset At(int dpd, int hour = 10) => Debt.AtDpd(dpd, hour);

    private static AccountHarness OpenedAt(int dpd) => AccountHarness.Opened(Debt, At(dpd));

    private static Stage[] Entered(Execution execution) =>
        [.. execution.Due.Concat(execution.Commanded).Concat(execution.Released).OfType<StageEntered>().Select(e => e.Stage)];

    [Fact]
    public void A_dispute_stops_escalation_until_Verified_which_enters_every_stage_the_DPD_calls_for()
    {
        var account = OpenedAt(20);
        account.OpenDispute("the debtor says the loan was repaid", At(20));

        Assert.Empty(account.AdvanceTo(At(100)).Events);
        Assert.Null(account.NextWake());
        Assert.Equal("dispute", AccountLifecycle.EscalationHeldBy(account.State));

        var verified = account.ResolveDispute(DisputeOutcome.Verified, At(100));

        Assert.Equal([new DisputeResolved(DisputeOutcome.Verified)], verified.Commanded.AsEnumerable());
        Assert.Equal([Stage.Mid, Stage.Legal], Entered(verified));
        Assert.Null(account.State.Dispute);
    }

    [Fact]
    public void An_upheld_dispute_closes_the_account_as_WrittenOff()
    {
        var account = OpenedAt(20);
        account.OpenDispute("identity theft", At(20));

        var upheld = account.ResolveDispute(DisputeOutcome.Upheld, At(22));

        Assert.Equal([new DisputeResolved(DisputeOutcome.Upheld), new AccountClosed(ClosedReason.WrittenOff)], upheld.Commanded.AsEnumerable());
        Assert.Equal(ClosedReason.WrittenOff, account.State.ClosedReason);
    }

    [Fact]
    public void A_dispute_records_the_validation_window_counted_from_the_first_notice()
    {
        var account = OpenedAt(-3);
        account.AdvanceTo(At(1));
        var firstNotice = account.State.FirstNoticeAt;
        Assert.Equal(At(1), firstNotice);

        var inTime = Assert.IsType<DisputeOpened>(account.OpenDispute("amount is wrong", At(31)).Commanded[0]);
        Assert.Equal(new DisputeOpened("amount is wrong", firstNotice, Day(31), true), inTime);

        account.ResolveDispute(DisputeOutcome.Verified, At(32));
        var late = Assert.IsType<DisputeOpened>(account.OpenDispute("still wrong", At(32)).Commanded[0]);
        Assert.False(late.WithinValidationWindow);

        var beforeAnyNotice = OpenedAt(-3).OpenDispute("never borrowed", At(-2));
        Assert.Equal(new DisputeOpened("never borrowed", null, null, true), beforeAnyNotice.Commanded[0]);
    }

    [Fact]
    public void Dispute_commands_are_refused_for_bad_input_or_the_wrong_state_and_record_nothing()
    {
        var account = OpenedAt(20);
        var opened = account.History.Count;
        Assert.Equal(RejectionKind.Invalid, account.OpenDispute(" ", At(20)).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, account.ResolveDispute(DisputeOutcome.Verified, At(20)).Rejection?.Kind);
        Assert.Equal(opened, account.History.Count);

        account.OpenDispute("wrong amount", At(20));
        var disputed = account.History.Count;
        Assert.Equal(RejectionKind.Conflict, account.OpenDispute("again", At(20)).Rejection?.Kind);
        Assert.Equal(RejectionKind.Invalid, account.ResolveDispute((DisputeOutcome)7, At(20)).Rejection?.Kind);
        Assert.Equal(disputed, account.History.Count);
    }

    [Theory]
    [InlineData(HoldType.Hardship, true)]
    [InlineData(HoldType.Bankruptcy, true)]
    [InlineData(HoldType.Deceased, true)]
    [InlineData(HoldType.Fraud, true)]
    [InlineData(HoldType.CeaseCommunication, false)]
    [InlineData(HoldType.LegalHold, true)]
    public void A_hold_stops_escalation_as_the_table_says_and_releasing_it_resumes_at_the_stage_the_DPD_calls_for(HoldType type, bool stopsEscalation)
    {
        var account = OpenedAt(20);
        account.PlaceHold(type, At(20), note: "case 123");

        account.AdvanceTo(At(40));

        Assert.Equal(stopsEscalation ? Stage.Early : Stage.Mid, account.State.Stage);
        Assert.Equal(stopsEscalation, HoldRules.Stops(type).HasFlag(CollectionActivities.Escalation));
        var released = account.ReleaseHold(type, At(95));
        Assert.Equal(stopsEscalation ? [Stage.Mid, Stage.Legal] : [Stage.Legal], Entered(released));
        Assert.Empty(account.State.Holds);
    }

    [Fact]
    public void Escalation_resumes_only_when_the_last_hold_stopping_it_is_released()
    {
        var account = OpenedAt(20);
        account.PlaceHold(HoldType.Hardship, At(20));
        account.PlaceHold(HoldType.Fraud, At(21));

        Assert.Empty(Entered(account.ReleaseHold(HoldType.Hardship, At(40))));
        Assert.Equal("hold:Fraud", AccountLifecycle.EscalationHeldBy(account.State));
        Assert.Equal([Stage.Mid], Entered(account.ReleaseHold(HoldType.Fraud, At(41))));
    }

    [Fact]
    public void Holds_are_refused_twice_released_only_when_present_and_the_stopping_ones_stop_negotiation()
    {
        var account = OpenedAt(20);
        Assert.Equal(RejectionKind.NotFound, account.ReleaseHold(HoldType.Deceased, At(20)).Rejection?.Kind);
        account.PlaceHold(HoldType.Hardship, At(20));
        Assert.Equal(RejectionKind.Conflict, account.PlaceHold(HoldType.Hardship, At(20)).Rejection?.Kind);
        Assert.Equal(RejectionKind.Invalid, account.PlaceHold(HoldType.Fraud, At(20), note: new string('x', 501)).Rejection?.Kind);

        Assert.Null(account.Promise(100m, Day(22), At(20)).Rejection);

        var bankrupt = OpenedAt(20);
        bankrupt.PlaceHold(HoldType.Bankruptcy, At(20));
        var refused = bankrupt.Promise(100m, Day(22), At(20));
        Assert.Equal(RejectionKind.Conflict, refused.Rejection?.Kind);
        Assert.Contains("the Bankruptcy hold", refused.Rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hold_table_stops_what_the_documentation_says()
    {
        var all = CollectionActivities.All;
        Assert.Equal(all & ~(CollectionActivities.Contact | CollectionActivities.Negotiation), HoldRules.Stops(HoldType.Hardship));
        Assert.Equal(all, HoldRules.Stops(HoldType.Bankruptcy));
        Assert.Equal(all, HoldRules.Stops(HoldType.Deceased));
        Assert.Equal(all, HoldRules.Stops(HoldType.Fraud));
        Assert.Equal(CollectionActivities.Contact | CollectionActivities.Placement, HoldRules.Stops(HoldType.CeaseCommunication));
        Assert.Equal(all & ~CollectionActivities.Negotiation, HoldRules.Stops(HoldType.LegalHold));
        Assert.Equal([HoldType.Bankruptcy, HoldType.Deceased], Enum.GetValues<HoldType>().Where(HoldRules.RecallsPlacement));
        var disputed = OpenedAt(5);
        disputed.OpenDispute("not mine", At(5));
        Assert.All(
            [CollectionActivities.Escalation, CollectionActivities.Contact, CollectionActivities.Placement, CollectionActivities.Litigation, CollectionActivities.Negotiation],
            activity => Assert.Equal("dispute", AccountLifecycle.StoppedBy(disputed.State, activity)));
    }

    [Fact]
    public void Litigation_steps_are_recorded_in_order_from_the_Legal_stage()
    {
        var account = OpenedAt(95);

        account.Litigate(LitigationStep.Filed, At(95), caseReference: "(2026) Hu 0101 Min Chu 1234");
        account.Litigate(LitigationStep.Hearing, At(120), on: Day(118));
        account.Litigate(LitigationStep.Judgment, At(140));
        account.Litigate(LitigationStep.Enforcement, At(160));

        Assert.Equal(
            new LitigationCase("(2026) Hu 0101 Min Chu 1234", Day(95), Day(140), LitigationStep.Enforcement, Day(160), 4),
            account.State.Litigation);
        Assert.Equal(4, account.Recorded<LitigationStepRecorded>().Count());
    }

    [Fact]
    public void A_litigation_step_out_of_order_before_Legal_in_the_future_or_while_stopped_is_refused()
    {
        Assert.Contains("from the Legal stage on", OpenedAt(40).Litigate(LitigationStep.Filed, At(40)).Rejection!.Message, StringComparison.Ordinal);

        var account = OpenedAt(95);
        Assert.Contains("no case is filed yet", account.Litigate(LitigationStep.Hearing, At(95)).Rejection!.Message, StringComparison.Ordinal);
        Assert.Equal(RejectionKind.Invalid, account.Litigate(LitigationStep.Filed, At(95), on: Day(96)).Rejection?.Kind);
        account.Litigate(LitigationStep.Filed, At(95));
        Assert.Contains("already filed", account.Litigate(LitigationStep.Filed, At(96)).Rejection!.Message, StringComparison.Ordinal);
        Assert.Contains("record the Judgment first", account.Litigate(LitigationStep.Enforcement, At(96)).Rejection!.Message, StringComparison.Ordinal);
        Assert.Equal(RejectionKind.Invalid, account.Litigate(LitigationStep.Hearing, At(96), on: Day(94)).Rejection?.Kind);

        account.PlaceHold(HoldType.LegalHold, At(97));
        var stopped = account.Litigate(LitigationStep.Hearing, At(98));
        Assert.Equal(RejectionKind.Conflict, stopped.Rejection?.Kind);
        Assert.Contains("the LegalHold hold", stopped.Rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_event_type_has_an_evidence_heading_and_unknown_ones_are_kept_under_Account()
    {
        Assert.Equal(EvidenceCategory.Payment, Evidence.CategoryOf(nameof(PaymentReceived)));
        Assert.Equal(EvidenceCategory.Promise, Evidence.CategoryOf(nameof(PromiseBroken)));
        Assert.Equal(EvidenceCategory.Plan, Evidence.CategoryOf(nameof(PlanCompleted)));
        Assert.Equal(EvidenceCategory.Settlement, Evidence.CategoryOf(nameof(SettlementPaid)));
        Assert.Equal(EvidenceCategory.Dispute, Evidence.CategoryOf(nameof(DisputeOpened)));
        Assert.Equal(EvidenceCategory.Hold, Evidence.CategoryOf(nameof(HoldPlaced)));
        Assert.Equal(EvidenceCategory.Litigation, Evidence.CategoryOf(nameof(LitigationStepRecorded)));
        Assert.Equal(EvidenceCategory.Stage, Evidence.CategoryOf(nameof(StageEntered)));
        Assert.Equal(EvidenceCategory.Contact, Evidence.CategoryOf("ContactSuppressed"));
        Assert.Equal(EvidenceCategory.Account, Evidence.CategoryOf("SomethingNew"));

        Type[] negotiationAndProtection =
        [
            typeof(PromiseMade), typeof(PromiseKept), typeof(PromiseBroken), typeof(PlanSubmitted), typeof(PlanApproved), typeof(PlanBroken),
            typeof(PlanLapsed), typeof(PlanCompleted), typeof(SettlementOffered), typeof(SettlementApproved), typeof(SettlementPaid),
            typeof(SettlementExpired), typeof(DisputeOpened), typeof(DisputeResolved), typeof(HoldPlaced), typeof(HoldReleased), typeof(LitigationStepRecorded),
        ];
        Assert.All(negotiationAndProtection, t => Assert.NotEqual(EvidenceCategory.Account, Evidence.CategoryOf(t.Name)));
    }
}
