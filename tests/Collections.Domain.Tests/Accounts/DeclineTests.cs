using Collections.Domain.Accounts;
using Collections.Domain.Events;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Accounts;

/// <summary>
/// Declining a plan or settlement that waits for approval: the lender's answer "no", with its reason. The
/// record owes 1 250.00 (1 000 principal, 200 interest, 50 penalty) due 2026-01-05 in Asia/Shanghai.
/// </summary>
public class DeclineTests
{
    private static readonly AccountRecord Debt = Records.Account().Owing(1000m, 200m, 0m, 50m).Build();

    private static DateOnly Day(int dpd) => Records.DueDate.AddDays(dpd);

    /// <summary>A plan forgiving the interest and penalty (20%, above the approval line of 10%): pending approval.</summary>
    private static readonly PlanTerms Generous = new([new PlanInstallment(Day(25), 500m), new PlanInstallment(Day(40), 500m)], new Waiver(200m, 0, 50m));

    private static AccountHarness WithPendingPlan()
    {
        var account = AccountHarness.Opened(Debt, Debt.AtDpd(20));
        Assert.Equal(ApprovalStatus.PendingApproval, Assert.IsType<PlanSubmitted>(account.SubmitPlan(Generous, Debt.AtDpd(20)).Commanded[0]).Status);
        return account;
    }

    private static Execution DeclinePlan(AccountHarness account, string reason, string decider = AccountHarness.Checker) =>
        account.Execute((s, _) => AccountLifecycle.DeclinePlan(s, decider, reason), Debt.AtDpd(21), decider);

    private static void AssertRejected(Execution execution, RejectionKind kind, string mentions)
    {
        Assert.Equal(kind, execution.Rejection?.Kind);
        Assert.Contains(mentions, execution.Rejection!.Message, StringComparison.Ordinal);
        Assert.True(execution.IsEmpty, "a rejected command records nothing");
    }

    [Fact]
    public void A_declined_plan_is_dropped_with_its_reason_as_if_it_had_lapsed_and_a_new_arrangement_may_be_made()
    {
        var account = WithPendingPlan();

        var declined = DeclinePlan(account, "  waiver too large for this customer ");

        Assert.Equal(new PlanDeclined("waiver too large for this customer"), Assert.Single(declined.Commanded));
        Assert.Null(account.State.Plan);
        Assert.Equal(AccountHarness.Checker, account.History.Single(e => e.Data is PlanDeclined).Actor);
        Assert.DoesNotContain("plan lapses", account.NextWake()?.Reason ?? string.Empty, StringComparison.Ordinal);
        AssertRejected(DeclinePlan(account, "again"), RejectionKind.Conflict, "no plan is pending approval");
        Assert.Null(account.Promise(300m, Day(25), Debt.AtDpd(21)).Rejection);
    }

    [Fact]
    public void The_key_that_submitted_a_plan_cannot_decline_it_and_a_decline_needs_a_reason_and_a_pending_plan()
    {
        var account = WithPendingPlan();

        AssertRejected(DeclinePlan(account, "changed my mind", AccountHarness.Actor), RejectionKind.Forbidden, "maker–checker");
        AssertRejected(DeclinePlan(account, "   "), RejectionKind.Invalid, "reason is required");
        AssertRejected(DeclinePlan(account, new string('x', AccountLifecycle.MaxDeclineReasonLength + 1)), RejectionKind.Invalid, "1–500 characters");
        Assert.Equal(ApprovalStatus.PendingApproval, account.State.Plan!.Status);

        account.ApprovePlan(Debt.AtDpd(21));
        AssertRejected(DeclinePlan(account, "too late"), RejectionKind.Conflict, "already active");

        var closed = AccountHarness.Opened(Debt, Debt.AtDpd(20));
        closed.Close(ClosedReason.Recalled, Debt.AtDpd(20));
        AssertRejected(DeclinePlan(closed, "closed"), RejectionKind.Conflict, "closed");
    }

    [Fact]
    public void A_declined_settlement_is_dropped_with_its_reason_and_only_a_pending_one_by_another_key_can_be_declined()
    {
        var account = AccountHarness.Opened(Debt, Debt.AtDpd(40));
        account.OfferSettlement(1000m, Day(50), Debt.AtDpd(40));
        Assert.Equal(ApprovalStatus.PendingApproval, account.State.Settlement!.Status);
        Execution Decline(string decider) =>
            account.Execute((s, _) => AccountLifecycle.DeclineSettlement(s, decider, "below our floor"), Debt.AtDpd(41), decider);

        AssertRejected(Decline(AccountHarness.Actor), RejectionKind.Forbidden, "maker–checker");
        Assert.Equal(new SettlementDeclined("below our floor"), Assert.Single(Decline(AccountHarness.Checker).Commanded));
        Assert.Null(account.State.Settlement);
        Assert.Equal(EvidenceCategory.Settlement, Evidence.CategoryOf(nameof(SettlementDeclined)));
        Assert.Equal(EvidenceCategory.Plan, Evidence.CategoryOf(nameof(PlanDeclined)));
        AssertRejected(Decline(AccountHarness.Checker), RejectionKind.Conflict, "no settlement is pending approval");
    }
}
