using Collections.Domain.Accounts;
using Collections.Domain.Events;
using Collections.Domain.Tests.Support;
using FsCheck.Xunit;

namespace Collections.Domain.Tests.Properties;

public class LifecycleProperties
{
    private static int Rank(Stage? stage) => stage is { } s ? (int)s : -1;

    [Property(Arbitrary = [typeof(DomainArbitraries)])]
    public void The_stage_never_goes_backwards_while_business_time_moves_forward(Timeline timeline)
    {
        var account = timeline.Import();
        var previous = account.State.Stage;

        foreach (var at in timeline.Looks)
        {
            account.AdvanceTo(at);
            var stage = account.State.Stage;
            Assert.True(Rank(stage) >= Rank(previous), $"{previous} went back to {stage} at {at:O}");
            Assert.Equal(timeline.Stages.StageAt(account.State.DaysPastDue(at)), stage);
            previous = stage;
        }
    }

    [Property(Arbitrary = [typeof(DomainArbitraries)])]
    public void No_threshold_is_passed_without_its_own_StageEntered_each_once_and_in_order(Timeline timeline)
    {
        var account = timeline.Import();
        var last = timeline.ImportedAt;
        foreach (var at in timeline.Looks)
        {
            account.AdvanceTo(at);
            last = at;
        }

        var reached = timeline.Stages.StageAt(account.State.DaysPastDue(last));
        var expected = Enum.GetValues<Stage>().Where(s => Rank(s) <= Rank(reached));
        Assert.Equal(expected, account.StagesEntered);
        Assert.All(
            account.History.Select(e => e.Data).OfType<StageEntered>(),
            entered =>
            {
                Assert.Equal(timeline.Stages.For(entered.Stage), entered.ThresholdDpd);
                Assert.True(entered.DaysPastDue >= entered.ThresholdDpd, $"{entered} entered before its threshold");
            });
    }

    [Property(Arbitrary = [typeof(DomainArbitraries)])]
    public void The_next_wake_is_exactly_when_the_next_stage_becomes_due(Timeline timeline)
    {
        var account = timeline.Import();
        if (account.NextWake() is not { } wake)
        {
            Assert.Equal(Stage.ChargedOff, account.State.Stage);
            return;
        }

        Assert.True(wake.At > timeline.ImportedAt, $"wake {wake.At:O} is not after the import at {timeline.ImportedAt:O}");
        Assert.Empty(AccountLifecycle.Advance(account.State, wake.At.AddTicks(-1), account.Strategy.Rules, account.Strategy));
        var entered = Assert.IsType<StageEntered>(Assert.Single(AccountLifecycle.Advance(account.State, wake.At, account.Strategy.Rules, account.Strategy)));
        Assert.Equal($"enter {entered.Stage}", wake.Reason);
    }

    [Property(Arbitrary = [typeof(DomainArbitraries)])]
    public void Money_is_conserved_and_no_balance_component_goes_negative(PaymentRun run)
    {
        var record = run.Record;
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        var now = record.AtDpd(11);
        var paid = 0m;

        for (var i = 0; i < run.Payments.Length; i++)
        {
            var amount = run.Payments[i];
            var decision = account.Pay($"P{i}", amount, now);
            paid += amount;

            Assert.Null(decision.Rejection);
            var received = Assert.IsType<PaymentReceived>(decision.Events[0]);
            Assert.Equal(amount, received.Allocated.Total + received.Overpaid);
            AssertNoComponentIsNegative(received.Allocated);
            AssertNoComponentIsNegative(account.State.Balance);
            Assert.True(received.Overpaid >= 0, $"over-payment {received.Overpaid} is negative");
            Assert.True(received.Overpaid == 0 || account.State.Balance.Total == 0, $"{received.Overpaid} over-paid while {account.State.Balance} is still owed");
            Assert.True(account.State.Arrears >= 0, $"arrears {account.State.Arrears} are negative");
        }

        Assert.Equal(paid, run.Initial.Total - account.State.Balance.Total + account.State.Overpaid);
        Assert.Equal(paid, account.State.Collected);
        Assert.Equal(paid, account.History.Select(e => e.Data).OfType<PaymentReceived>().Sum(p => p.Amount));
    }

    [Property(Arbitrary = [typeof(DomainArbitraries)])]
    public void Replaying_every_payment_changes_nothing(PaymentRun run)
    {
        var record = run.Record;
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        var now = record.AtDpd(11);
        for (var i = 0; i < run.Payments.Length; i++)
        {
            account.Pay($"P{i}", run.Payments[i], now);
        }

        var before = account.State;
        for (var i = 0; i < run.Payments.Length; i++)
        {
            var replay = account.Pay($"P{i}", run.Payments[i], now.AddHours(1));
            Assert.Empty(replay.Events);
            Assert.Null(replay.Rejection);
        }

        Assert.Same(before, account.State);
    }

    private static void AssertNoComponentIsNegative(Balance balance) =>
        Assert.True(
            balance is { Principal: >= 0, Interest: >= 0, Fees: >= 0, Penalty: >= 0 },
            $"{balance} has a negative component");
}
