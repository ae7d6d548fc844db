using Collections.Domain.Accounts;
using Collections.Domain.Events;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Accounts;

/// <summary>
/// Promises, plans and settlements under the default strategy (grace 2 days, at most 3 broken promises,
/// 12 installments, waivers up to 30% with approval above 10%, settlements from 60%, dates at most 30
/// days ahead). The record owes 1 025.00 (1 000 principal, 20 interest, 5 penalty), due 2026-01-05 in
/// Asia/Shanghai; without an installment amount the whole balance is the arrears.
/// </summary>
public class NegotiationTests
{
    private static readonly AccountRecord Debt = Records.Account().Build();

    private static DateOnly Day(int dpd) => Records.DueDate.AddDays(dpd);

    private static DateTimeOffset At(int dpd, int hour = 10) => Debt.AtDpd(dpd, hour);

    /// <summary>The first instant after the local day at <paramref name="dpd"/> ends.</summary>
    private static DateTimeOffset EndOf(int dpd) => Debt.AtDpd(dpd + 1, 0);

    private static AccountHarness OpenedAt(int dpd, AccountRecord? record = null) => AccountHarness.Opened(record ?? Debt, At(dpd));

    private static void AssertRejected(Execution execution, RejectionKind kind, string mentions)
    {
        Assert.NotNull(execution.Rejection);
        Assert.Equal(kind, execution.Rejection.Kind);
        Assert.Contains(mentions, execution.Rejection.Message, StringComparison.Ordinal);
        Assert.True(execution.IsEmpty, "a rejected command records nothing");
    }

    private static PlanTerms Plan(Waiver waive, params (int Dpd, decimal Amount)[] installments) =>
        new([.. installments.Select(i => new PlanInstallment(Day(i.Dpd), i.Amount))], waive);

    [Fact]
    public void An_open_promise_holds_escalation_and_is_kept_when_paid_by_the_end_of_its_grace()
    {
        var account = OpenedAt(25);
        Assert.Null(account.Promise(200m, Day(33), At(25)).Rejection);

        Assert.Empty(account.AdvanceTo(At(34)).Events);
        Assert.Equal(Stage.Early, account.State.Stage);
        Assert.Equal(new Wake(EndOf(35), "decide promise due 2026-02-07"), account.NextWake());

        account.Payment("P1", 200m, At(35, hour: 23));
        Assert.Empty(account.AdvanceTo(EndOf(35).AddTicks(-1)).Events);
        var decided = account.AdvanceTo(EndOf(35)).Events;

        Assert.Equal([new PromiseKept(200m, 200m), new StageEntered(Stage.Mid, 36, 31, InForce.Standard.Ref)], decided.AsEnumerable());
        Assert.Null(account.State.Promise);
        Assert.Equal((1, 0), (account.State.PromisesKept, account.State.PromisesBroken));
    }

    [Fact]
    public void A_promise_short_of_its_amount_is_broken_when_its_grace_ends_and_escalation_resumes_at_the_stage_the_DPD_calls_for()
    {
        var account = OpenedAt(25);
        account.Promise(200m, Day(26), At(25));
        account.Payment("P1", 150m, At(27));

        var decided = account.AdvanceTo(EndOf(28)).Events;

        Assert.Equal(new PromiseBroken(200m, 150m, 1), decided[0]);
        Assert.Equal(Stage.Early, account.State.Stage);
        Assert.Equal("enter Mid", account.NextWake()!.Reason);
        Assert.Equal([Stage.Mid], account.AdvanceTo(At(31)).Events.OfType<StageEntered>().Select(e => e.Stage));
    }

    [Fact]
    public void A_payment_recorded_after_the_deadline_counts_too_late_even_when_the_wake_has_not_run_yet()
    {
        var account = OpenedAt(25);
        account.Promise(200m, Day(28), At(25));

        var late = account.Payment("P1", 200m, EndOf(30).AddMinutes(1));

        Assert.Equal(new PromiseBroken(200m, 0m, 1), late.Due[0]);
        Assert.IsType<PaymentReceived>(late.Commanded[0]);
        Assert.Empty(account.AdvanceTo(EndOf(30).AddHours(1)).Events);
    }

    [Fact]
    public void Once_maxBrokenPromises_promises_are_broken_no_new_promise_is_accepted()
    {
        var account = OpenedAt(5);
        for (var i = 0; i < 3; i++)
        {
            var made = 5 + (i * 4);
            Assert.Null(account.Promise(100m, Day(made + 1), At(made)).Rejection);
            account.AdvanceTo(EndOf(made + 3));
        }

        var before = account.History.Count;
        var refused = account.Promise(100m, Day(20), At(19));

        AssertRejected(refused, RejectionKind.Conflict, "maxBrokenPromises");
        Assert.Contains("3 promises were broken", refused.Rejection!.Message, StringComparison.Ordinal);
        Assert.Equal(before, account.History.Count);
        Assert.Equal(3, account.State.PromisesBroken);
    }

    [Fact]
    public void Paying_the_arrears_with_a_promise_open_records_it_kept_and_cures()
    {
        var account = OpenedAt(10, Records.Account().Installment(300m).Build());
        account.Promise(300m, Day(15), At(10));

        var paid = account.Payment("P1", 300m, At(12));

        Assert.Equal([typeof(PaymentReceived), typeof(PromiseKept), typeof(AccountClosed)], paid.Commanded.Select(e => e.GetType()));
        Assert.Equal(ClosedReason.Cured, account.State.ClosedReason);
        Assert.Null(account.State.Promise);
        Assert.Null(account.NextWake());
    }

    [Fact]
    public void A_promise_is_refused_with_a_reason_for_bad_input_a_closed_account_an_open_arrangement_a_dispute_or_a_date_too_far()
    {
        var account = OpenedAt(10);
        AssertRejected(account.Promise(0m, Day(12), At(10)), RejectionKind.Invalid, "amount must be greater than 0");
        AssertRejected(account.Promise(1.001m, Day(12), At(10)), RejectionKind.Invalid, "at most 2 decimals");
        AssertRejected(account.Promise(2000m, Day(12), At(10)), RejectionKind.Invalid, "more than the balance 1025.00");
        AssertRejected(account.Promise(100m, Day(9), At(10)), RejectionKind.Invalid, "is in the past");
        AssertRejected(account.Promise(100m, Day(41), At(10)), RejectionKind.Unprocessable, "maxPromiseDays");

        account.Promise(100m, Day(12), At(10));
        AssertRejected(account.Promise(100m, Day(13), At(10)), RejectionKind.Conflict, "a promise of 100 due 2026-01-17 is open");

        var disputed = OpenedAt(10);
        disputed.OpenDispute("not my loan", At(10));
        AssertRejected(disputed.Promise(100m, Day(12), At(10)), RejectionKind.Conflict, "an open dispute");

        var closed = OpenedAt(10);
        closed.Close(ClosedReason.Recalled, At(10));
        AssertRejected(closed.Promise(100m, Day(12), At(10)), RejectionKind.Conflict, "the account is closed (Recalled)");
    }

    [Fact]
    public void A_command_on_a_closed_account_answers_409_naming_the_closure_before_any_other_check()
    {
        var closed = OpenedAt(10);
        closed.Close(ClosedReason.Recalled, At(10));

        AssertRejected(closed.Promise(2000m, Day(9), At(10)), RejectionKind.Conflict, "the account is closed (Recalled)");
        AssertRejected(closed.SubmitPlan(Plan(Waiver.None, (25, 5000m)), At(10)), RejectionKind.Conflict, "the account is closed (Recalled)");
        AssertRejected(closed.OfferSettlement(0m, Day(1), At(10)), RejectionKind.Conflict, "the account is closed (Recalled)");
        AssertRejected(closed.OpenDispute("", At(10)), RejectionKind.Conflict, "the account is closed (Recalled)");
        AssertRejected(closed.Execute((s, _) => AccountLifecycle.ChangeContactInfo(s, "bad", null, null, null), At(10)), RejectionKind.Conflict, "the account is closed (Recalled)");
    }

    [Fact]
    public void New_contact_data_is_validated_audited_with_its_source_and_a_new_phone_lifts_a_wrong_number()
    {
        var account = OpenedAt(10);
        account.Execute((s, r) => AccountLifecycle.RecordContact(s, Domain.ContactChannel.Letter, Domain.Contacts.ContactOutcome.WrongNumber, At(10), At(10), r, out _), At(10));
        Assert.Equal([account.State.Record.Debtor.Phone!], account.State.WrongNumbers.ToArray());
        Assert.Equal(Domain.Contacts.ContactRules.WrongNumber, AccountLifecycle.ContactPermission(account.State, Domain.ContactChannel.Sms, At(10), account.Strategy.Rules).Decision.Rule);

        AssertRejected(account.Execute((s, _) => AccountLifecycle.ChangeContactInfo(s, "12345", null, null, null), At(10)), RejectionKind.Invalid, "source is required");
        var changed = account.Execute((s, _) => AccountLifecycle.ChangeContactInfo(s, "+8613900139000", null, "1 Bund Road", "skip-trace"), At(10));

        var info = Assert.IsType<ContactInfoChanged>(Assert.Single(changed.Commanded));
        Assert.Equal("skip-trace", info.Source);
        Assert.Equal(["phone", "address"], info.Fields.ToArray());
        Assert.Equal("1 Bund Road", account.State.Record.Debtor.Address);
        Assert.NotEqual(Domain.Contacts.ContactRules.WrongNumber, AccountLifecycle.ContactPermission(account.State, Domain.ContactChannel.Sms, At(10), account.Strategy.Rules).Decision.Rule);
    }

    [Fact]
    public void A_plan_within_the_approval_limit_is_in_force_at_once_and_holds_escalation()
    {
        var account = OpenedAt(20);

        var submitted = account.SubmitPlan(Plan(new Waiver(0, 0, 5m), (25, 340m), (55, 340m), (85, 340m)), At(20));

        var plan = Assert.IsType<PlanSubmitted>(Assert.Single(submitted.Commanded));
        Assert.Equal(ApprovalStatus.Active, plan.Status);
        Assert.Equal(1025m, plan.Balance);
        Assert.Equal(0.49m, plan.WaiverPercent);
        Assert.Equal("plan", AccountLifecycle.EscalationHeldBy(account.State));
        Assert.Equal(new Wake(EndOf(27), "check installment due 2026-01-30"), account.NextWake());
    }

    [Fact]
    public void Paying_every_installment_completes_the_plan_closes_the_account_as_Paid_and_forgives_the_waiver()
    {
        var account = OpenedAt(20);
        account.SubmitPlan(Plan(new Waiver(0, 0, 5m), (25, 340m), (55, 340m), (85, 340m)), At(20));

        account.Payment("I1", 340m, At(25));
        account.AdvanceTo(At(40));
        account.Payment("I2", 340m, At(56));
        account.AdvanceTo(At(70));
        var last = account.Payment("I3", 340m, At(85));

        Assert.Equal(Stage.Early, account.State.Stage);
        Assert.Equal(new PlanCompleted(1020m, new Balance(5m, 0, 0, 0)), last.Commanded[1]);
        Assert.Equal(new AccountClosed(ClosedReason.Paid), last.Commanded[2]);
        Assert.Equal(Balance.Zero, account.State.Balance);
        Assert.Equal((1020m, 5m), (account.State.Collected, account.State.Forgiven));
        Assert.Null(account.State.Plan);
    }

    [Fact]
    public void A_missed_installment_breaks_the_plan_after_its_grace_and_escalation_resumes_at_the_stage_the_DPD_calls_for()
    {
        var account = OpenedAt(20);
        account.SubmitPlan(Plan(Waiver.None, (25, 325m), (55, 350m), (85, 350m)), At(20));
        account.Payment("I1", 325m, At(25));
        account.Payment("I2-part", 100m, At(50));

        Assert.Empty(account.AdvanceTo(EndOf(57).AddTicks(-1)).Events);
        var broken = account.AdvanceTo(EndOf(57)).Events;

        Assert.Equal(
            [new PlanBroken(Day(55), 675m, 425m), new StageEntered(Stage.Mid, 58, 31, InForce.Standard.Ref)],
            broken.AsEnumerable());
        Assert.Null(account.State.Plan);
        Assert.Equal(600m, account.State.Balance.Total);
        Assert.Equal(0m, account.State.Forgiven);
    }

    [Fact]
    public void A_plan_whose_waiver_is_above_the_approval_limit_waits_for_approval_without_holding_escalation()
    {
        var debt = Records.Account().Owing(1000m, 200m, 0m, 50m).Build();
        var account = AccountHarness.Opened(debt, debt.AtDpd(20));

        var submitted = account.SubmitPlan(new PlanTerms([new PlanInstallment(Day(25), 500m), new PlanInstallment(Day(40), 500m)], new Waiver(200m, 0, 50m)), debt.AtDpd(20));

        Assert.Equal(ApprovalStatus.PendingApproval, Assert.IsType<PlanSubmitted>(submitted.Commanded[0]).Status);
        Assert.Null(AccountLifecycle.EscalationHeldBy(account.State));
        AssertRejected(account.SubmitPlan(new PlanTerms([new PlanInstallment(Day(25), 1250m)], Waiver.None), debt.AtDpd(20)), RejectionKind.Conflict, "pending approval");

        Assert.IsType<PlanApproved>(Assert.Single(account.ApprovePlan(debt.AtDpd(21)).Commanded));
        Assert.Equal(ApprovalStatus.Active, account.State.Plan!.Status);
        AssertRejected(account.ApprovePlan(debt.AtDpd(21)), RejectionKind.Conflict, "already active");
    }

    [Fact]
    public void A_plan_never_approved_lapses_when_its_first_installment_grace_ends()
    {
        var debt = Records.Account().Owing(1000m, 200m, 0m, 50m).Build();
        var account = AccountHarness.Opened(debt, debt.AtDpd(20));
        account.SubmitPlan(new PlanTerms([new PlanInstallment(Day(25), 1000m)], new Waiver(200m, 0, 50m)), debt.AtDpd(20));

        Assert.Equal(new PlanLapsed(Day(25)), account.AdvanceTo(debt.AtDpd(28, 0)).Events[0]);
        AssertRejected(account.ApprovePlan(debt.AtDpd(28)), RejectionKind.Conflict, "no plan is pending approval");
    }

    [Fact]
    public void A_plan_outside_the_strategys_limits_or_that_does_not_add_up_is_refused_naming_what_is_wrong()
    {
        var account = OpenedAt(20);
        var thirteen = new PlanTerms([.. Enumerable.Range(0, 13).Select(i => new PlanInstallment(Day(21 + i), i == 12 ? 65m : 80m))], Waiver.None);
        AssertRejected(account.SubmitPlan(thirteen, At(20)), RejectionKind.Unprocessable, "maxInstallments 12");

        var big = Records.Account().Owing(100m, 100m, 0m, 0m).Build();
        var generous = AccountHarness.Opened(big, big.AtDpd(20));
        AssertRejected(generous.SubmitPlan(new PlanTerms([new PlanInstallment(Day(25), 120m)], new Waiver(80m, 0, 0)), big.AtDpd(20)), RejectionKind.Unprocessable, "maxWaiverPercent 30%");

        AssertRejected(account.SubmitPlan(Plan(Waiver.None, (25, 500m), (30, 500m)), At(20)), RejectionKind.Invalid, "must make up the balance 1025.00 exactly");
        AssertRejected(account.SubmitPlan(Plan(new Waiver(0, 0, 6m), (25, 1019m)), At(20)), RejectionKind.Invalid, "waive.penalty 6 is more than the penalty owed (5");
        AssertRejected(account.SubmitPlan(Plan(Waiver.None, (30, 525m), (25, 500m)), At(20)), RejectionKind.Invalid, "installments[1].dueDate must be after");
        AssertRejected(account.SubmitPlan(Plan(Waiver.None, (19, 1025m)), At(20)), RejectionKind.Invalid, "in the past");
        AssertRejected(account.SubmitPlan(new PlanTerms([], Waiver.None), At(20)), RejectionKind.Invalid, "at least one");

        Assert.Null(account.SubmitPlan(Plan(Waiver.None, (25, 1025m)), At(20)).Rejection);
        AssertRejected(account.SubmitPlan(Plan(Waiver.None, (26, 1025m)), At(20)), RejectionKind.Conflict, "a payment plan is in force");
    }

    [Fact]
    public void Paying_a_settlement_before_expiry_closes_the_account_as_Settled_and_records_the_forgiven_remainder()
    {
        var account = OpenedAt(40);

        var offered = account.OfferSettlement(1000m, Day(50), At(40));
        Assert.Equal(new SettlementOffered(1000m, Day(50), ApprovalStatus.Active, 1025m, 2.44m), offered.Commanded[0]);
        Assert.Equal("settlement", AccountLifecycle.EscalationHeldBy(account.State));

        account.Payment("S1", 600m, At(45));
        Assert.Equal(AccountStatus.Active, account.State.Status);
        var settled = account.Payment("S2", 400m, At(50, hour: 23));

        Assert.Equal(new SettlementPaid(1000m, 1000m, new Balance(25m, 0, 0, 0)), settled.Commanded[1]);
        Assert.Equal(new AccountClosed(ClosedReason.Settled), settled.Commanded[2]);
        Assert.Equal((25m, Balance.Zero), (account.State.Forgiven, account.State.Balance));
    }

    [Fact]
    public void An_unpaid_settlement_expires_when_its_last_day_ends_and_escalation_resumes()
    {
        var account = OpenedAt(85);
        account.OfferSettlement(1000m, Day(95), At(85));
        Assert.Empty(account.AdvanceTo(At(95, hour: 23)).Events);

        var expired = account.AdvanceTo(EndOf(95)).Events;

        Assert.Equal(new SettlementExpired(1000m, 0m), expired[0]);
        Assert.Equal(new StageEntered(Stage.Legal, 96, 91, InForce.Standard.Ref), expired[1]);
    }

    [Fact]
    public void A_settlement_forgiving_more_than_the_approval_limit_waits_for_approval_and_one_outside_the_limits_is_refused()
    {
        var account = OpenedAt(40);
        AssertRejected(account.OfferSettlement(600m, Day(50), At(40)), RejectionKind.Unprocessable, "minSettlementPercent 60%");
        AssertRejected(account.OfferSettlement(1025m, Day(50), At(40)), RejectionKind.Invalid, "below the balance (1025.00)");
        AssertRejected(account.OfferSettlement(900m, Day(39), At(40)), RejectionKind.Invalid, "in the past");
        AssertRejected(account.OfferSettlement(900m, Day(71), At(40)), RejectionKind.Unprocessable, "maxPromiseDays");

        var offered = account.OfferSettlement(700m, Day(50), At(40));
        Assert.Equal(ApprovalStatus.PendingApproval, Assert.IsType<SettlementOffered>(offered.Commanded[0]).Status);
        account.Payment("S1", 700m, At(41));
        Assert.Equal(AccountStatus.Active, account.State.Status);

        var approved = account.ApproveSettlement(At(42));

        Assert.Equal([typeof(SettlementApproved), typeof(SettlementPaid), typeof(AccountClosed)], approved.Commanded.Select(e => e.GetType()));
        Assert.Equal(ClosedReason.Settled, account.State.ClosedReason);
        Assert.Equal(325m, account.State.Forgiven);
    }

    [Fact]
    public void A_plan_installment_beyond_the_last_accepted_date_is_refused_with_the_range()
    {
        var account = OpenedAt(20);
        var terms = new PlanTerms([new PlanInstallment(Day(25), 500m), new PlanInstallment(new DateOnly(9999, 12, 29), 525m)], Waiver.None);

        AssertRejected(account.SubmitPlan(terms, At(20)), RejectionKind.Invalid, "installments[1].dueDate 9999-12-29 is out of range: dates must be between 1900-01-01 and 2199-12-31");
    }

    [Fact]
    public void A_plan_whose_last_installment_is_due_on_the_last_accepted_date_has_a_next_wake()
    {
        var account = OpenedAt(20);
        var terms = new PlanTerms([new PlanInstallment(Day(25), 500m), new PlanInstallment(BusinessCalendar.MaxDate, 525m)], Waiver.None);
        Assert.Null(account.SubmitPlan(terms, At(20)).Rejection);

        account.Payment("P-1", 500m, At(25));

        Assert.Contains("2199-12-31", account.NextWake()!.Reason, StringComparison.Ordinal);
    }
}
