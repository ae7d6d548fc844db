using System.Text.Json;
using Collections.Domain.Accounts;
using Collections.Domain.Events;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Accounts;

public class NegotiationJsonTests
{
    private static readonly AccountRecord Debt = Records.Account().Owing(1000m, 200m, 0m, 50m).Build();

    private static DateOnly Day(int dpd) => Records.DueDate.AddDays(dpd);

    private static DateTimeOffset At(int dpd) => Debt.AtDpd(dpd);

    /// <summary>A history with every negotiation, dispute, hold and litigation event, each kind at least once.</summary>
    private static AccountHarness EveryKindOfEvent()
    {
        var account = AccountHarness.Opened(Debt, At(5));
        account.Promise(100m, Day(6), At(5));
        account.AdvanceTo(At(9));
        account.Promise(100m, Day(10), At(9));
        account.Payment("P1", 100m, At(10));
        account.AdvanceTo(At(13));
        // 1 150 left (1 000 principal, 150 interest): waiving the interest (13%) needs approval.
        account.SubmitPlan(new PlanTerms([new PlanInstallment(Day(20), 1000m)], new Waiver(150m, 0, 0)), At(13));
        account.AdvanceTo(At(23));
        account.SubmitPlan(new PlanTerms([new PlanInstallment(Day(25), 1000m)], new Waiver(150m, 0, 0)), At(23));
        account.ApprovePlan(At(23));
        account.AdvanceTo(At(28));
        account.OfferSettlement(1000m, Day(30), At(28));
        account.ApproveSettlement(At(28));
        account.AdvanceTo(At(31));
        account.OpenDispute("amount", At(31));
        account.ResolveDispute(DisputeOutcome.Verified, At(32));
        account.PlaceHold(HoldType.Hardship, At(32), note: "job loss");
        account.ReleaseHold(HoldType.Hardship, At(95));
        account.Litigate(LitigationStep.Filed, At(95), caseReference: "C-1");
        account.SubmitPlan(new PlanTerms([new PlanInstallment(Day(96), 1150m)], Waiver.None), At(95));
        account.Payment("P2", 1150m, At(96));
        Assert.Equal(ClosedReason.Paid, account.State.ClosedReason);
        return account;
    }

    [Fact]
    public void Every_negotiation_dispute_hold_and_litigation_event_round_trips_through_its_stored_JSON()
    {
        var account = EveryKindOfEvent();

        Assert.Superset(
            new HashSet<string>
            {
                nameof(PromiseMade), nameof(PromiseKept), nameof(PromiseBroken), nameof(PlanSubmitted), nameof(PlanApproved),
                nameof(PlanLapsed), nameof(PlanBroken), nameof(PlanCompleted), nameof(SettlementOffered), nameof(SettlementApproved),
                nameof(SettlementExpired), nameof(DisputeOpened), nameof(DisputeResolved), nameof(HoldPlaced), nameof(HoldReleased),
                nameof(LitigationStepRecorded),
            },
            account.History.Select(e => e.Type).ToHashSet());
        foreach (var e in account.History)
        {
            var json = AccountEventJson.Serialize(e);
            var back = AccountEventJson.Deserialize(json);

            Assert.Equal(json, AccountEventJson.Serialize(back));
            if (e.Data is not AccountUpdated)
            {
                Assert.Equal(e.Data, back.Data);
            }
        }
    }

    [Fact]
    public void A_snapshot_with_an_open_arrangement_holds_a_dispute_and_a_lawsuit_round_trips()
    {
        var account = AccountHarness.Opened(Debt, At(95));
        account.PlaceHold(HoldType.CeaseCommunication, At(95), note: "by letter");
        account.Litigate(LitigationStep.Filed, At(95), caseReference: "C-9");
        account.Promise(100m, Day(100), At(95));
        account.OpenDispute("wrong amount", At(96));

        var json = JsonSerializer.Serialize(account.State, DomainJson.Options);
        var back = JsonSerializer.Deserialize<AccountState>(json, DomainJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, DomainJson.Options));
        Assert.Equal(account.State.Promise, back.Promise);
        Assert.Equal(account.State.Dispute, back.Dispute);
        Assert.Equal(account.State.Litigation, back.Litigation);
        Assert.Equal(account.State.Holds.AsEnumerable(), back.Holds.AsEnumerable());
        Assert.Contains("\"type\":\"CeaseCommunication\"", json, StringComparison.Ordinal);
    }
}
