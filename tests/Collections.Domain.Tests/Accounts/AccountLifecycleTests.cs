using Collections.Domain.Accounts;
using Collections.Domain.Events;
using Collections.Domain.Strategies;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Accounts;

public class AccountLifecycleTests
{
    private static readonly StrategyRef Standard = InForce.Standard.Ref;

    [Fact]
    public void An_account_imported_at_dpd_95_enters_every_stage_up_to_Legal_in_order()
    {
        var record = Records.Account().Build();
        var account = new AccountHarness();

        var (outcome, decision) = account.Upsert(record, record.AtDpd(95));

        Assert.Equal(UpsertOutcome.Created, outcome);
        Assert.Null(decision.Rejection);
        Assert.Equal(
            [
                new AccountOpened(AccountHarness.LenderId, record, Standard),
                new StageEntered(Stage.Notice, 95, 1, Standard),
                new StageEntered(Stage.Early, 95, 4, Standard),
                new StageEntered(Stage.Mid, 95, 31, Standard),
                new StageEntered(Stage.Legal, 95, 91, Standard),
            ],
            decision.Events.AsEnumerable());
        Assert.Equal(AccountStatus.Active, account.State.Status);
        Assert.Equal(Stage.Legal, account.State.Stage);
        Assert.Equal(5, account.State.Version);
    }

    [Theory]
    [InlineData(-3)]
    [InlineData(0)]
    public void An_account_imported_before_it_is_past_due_opens_without_a_stage(int dpd)
    {
        var record = Records.Account().Build();
        var account = new AccountHarness();

        var (outcome, decision) = account.Upsert(record, record.AtDpd(dpd));

        Assert.Equal(UpsertOutcome.Created, outcome);
        Assert.IsType<AccountOpened>(Assert.Single(decision.Events));
        Assert.Null(account.State.Stage);
        Assert.Equal(record.Balance, account.State.Balance);
    }

    [Fact]
    public void An_account_imported_at_dpd_1_enters_Notice_only()
    {
        var record = Records.Account().Build();

        var account = AccountHarness.Opened(record, record.AtDpd(1));

        Assert.Equal([Stage.Notice], account.StagesEntered);
    }

    [Fact]
    public void Re_sending_the_same_record_is_Unchanged_and_records_nothing()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(12));
        var sameRecordParsedAgain = Records.Account().Build();
        var recorded = account.History.Count;

        var (outcome, decision) = account.Upsert(sameRecordParsedAgain, record.AtDpd(13));

        Assert.Equal(UpsertOutcome.Unchanged, outcome);
        Assert.Empty(decision.Events);
        Assert.Null(decision.Rejection);
        Assert.Equal(recorded, account.History.Count);
    }

    [Fact]
    public void An_update_of_the_balance_keeps_the_stage_and_its_entry_time()
    {
        var record = Records.Account().Build();
        var openedAt = record.AtDpd(95);
        var account = AccountHarness.Opened(record, openedAt);
        var lowerBalance = Records.Account().Owing(900.00m, 20.00m, 0m, 5.00m).Build();

        var (outcome, decision) = account.Upsert(lowerBalance, record.AtDpd(96));

        Assert.Equal(UpsertOutcome.Updated, outcome);
        var updated = Assert.IsType<AccountUpdated>(Assert.Single(decision.Events));
        Assert.Equal(lowerBalance, updated.Record);
        Assert.Equal(["balance"], updated.ChangedFields.AsEnumerable());
        Assert.Equal(Stage.Legal, account.State.Stage);
        Assert.Equal(openedAt, account.State.StageEnteredAt);
        Assert.Equal(new Balance(900.00m, 20.00m, 0m, 5.00m), account.State.Balance);
        Assert.Equal(AccountStatus.Active, account.State.Status);
    }

    [Fact]
    public void An_update_names_every_changed_field()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        var changed = Records.Account().With("phone", "+8613900139000").With("score", "420").Installment(300.00m).Build();

        var (_, decision) = account.Upsert(changed, record.AtDpd(11));

        var updated = Assert.IsType<AccountUpdated>(Assert.Single(decision.Events));
        Assert.Equal(["installmentAmount", "contact", "score"], updated.ChangedFields.AsEnumerable());
    }

    [Fact]
    public void An_update_whose_due_date_is_no_longer_past_closes_the_account_as_Cured()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        var caughtUp = Records.Account().DueOn(Records.DueDate.AddDays(30)).Build();

        var (outcome, decision) = account.Upsert(caughtUp, record.AtDpd(11));

        Assert.Equal(UpsertOutcome.Updated, outcome);
        Assert.IsType<AccountUpdated>(decision.Events[0]);
        Assert.Equal(new AccountClosed(ClosedReason.Cured), decision.Events[1]);
        Assert.Equal(ClosedReason.Cured, account.State.ClosedReason);
    }

    [Fact]
    public void An_update_to_a_zero_balance_closes_the_account_as_Paid()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));

        var (_, decision) = account.Upsert(record with { Balance = Balance.Zero }, record.AtDpd(11));

        Assert.Equal(new AccountClosed(ClosedReason.Paid), decision.Events[^1]);
        Assert.Equal(AccountStatus.Closed, account.State.Status);
    }

    [Fact]
    public void An_update_before_the_account_is_past_due_does_not_close_it()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(-5));

        var (_, decision) = account.Upsert(Records.Account().Owing(800.00m).Build(), record.AtDpd(-4));

        Assert.IsType<AccountUpdated>(Assert.Single(decision.Events));
        Assert.Equal(AccountStatus.Active, account.State.Status);
    }

    [Fact]
    public void The_next_wake_is_the_start_of_the_local_day_of_the_next_threshold()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(2));

        var wake = account.NextWake();

        // Early is entered at DPD 4: 2026-01-09, which begins at midnight in Shanghai (UTC+8).
        Assert.Equal(new Wake(new DateTimeOffset(2026, 1, 8, 16, 0, 0, TimeSpan.Zero), "enter Early"), wake);
    }

    [Fact]
    public void An_account_not_yet_past_due_wakes_at_the_start_of_the_first_day_past_due()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(-3));

        Assert.Equal(new Wake(new DateTimeOffset(2026, 1, 5, 16, 0, 0, TimeSpan.Zero), "enter Notice"), account.NextWake());
    }

    [Fact]
    public void The_next_wake_follows_local_midnight_on_both_sides_of_a_DST_change()
    {
        var record = Records.Account().InTimeZone("America/New_York").DueOn(new DateOnly(2026, 2, 5)).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(5));

        // Mid at DPD 31 is 2026-03-08, the day DST starts: that day still begins at 00:00 EST (UTC-5).
        var mid = account.NextWake()!;
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 5, 0, 0, TimeSpan.Zero), mid.At);
        account.AdvanceTo(mid.At);

        // Legal at DPD 91 is 2026-05-07, which begins at 00:00 EDT (UTC-4).
        Assert.Equal(new Wake(new DateTimeOffset(2026, 5, 7, 4, 0, 0, TimeSpan.Zero), "enter Legal"), account.NextWake());
    }

    [Fact]
    public void An_account_in_the_last_stage_or_closed_has_no_next_wake()
    {
        var record = Records.Account().Build();
        var chargedOff = AccountHarness.Opened(record, record.AtDpd(200));
        var closed = AccountHarness.Opened(record, record.AtDpd(10));
        closed.Close(ClosedReason.Recalled, record.AtDpd(10));

        Assert.Equal(Stage.ChargedOff, chargedOff.State.Stage);
        Assert.Null(chargedOff.NextWake());
        Assert.Null(closed.NextWake());
    }

    [Fact]
    public void Advance_emits_nothing_before_the_threshold_and_the_stage_at_it()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(2));
        var wake = account.NextWake()!;

        var justBefore = account.AdvanceTo(wake.At.AddTicks(-1));
        var atThreshold = account.AdvanceTo(wake.At);
        var again = account.AdvanceTo(wake.At.AddHours(1));

        Assert.Empty(justBefore.Events);
        Assert.Equal([new StageEntered(Stage.Early, 4, 4, Standard)], atThreshold.Events.AsEnumerable());
        Assert.Empty(again.Events);
        Assert.Equal(Stage.Early, account.State.Stage);
        Assert.Equal(wake.At, account.State.StageEnteredAt);
    }

    [Fact]
    public void Advance_after_a_long_gap_enters_each_crossed_stage_with_its_own_event()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(2));

        var decision = account.AdvanceTo(record.AtDpd(40));

        Assert.Equal(
            [new StageEntered(Stage.Early, 40, 4, Standard), new StageEntered(Stage.Mid, 40, 31, Standard)],
            decision.Events.AsEnumerable());
    }

    [Fact]
    public void Advance_leaves_the_stage_by_the_assigned_strategy_and_enters_later_ones_under_the_latest()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(2));
        var latest = new StrategyInForce(
            Standard with { Version = 2 },
            StrategyDocument.Default with { Stages = new StageThresholds(1, 10, 20, 91, 181) });

        var events = AccountLifecycle.Advance(account.State, record.AtDpd(25), StrategyDocument.Default, latest);

        Assert.Equal(
            [new StageEntered(Stage.Early, 25, 4, latest.Ref), new StageEntered(Stage.Mid, 25, 20, latest.Ref)],
            events.AsEnumerable());
    }

    [Fact]
    public void Advance_on_a_closed_account_emits_nothing()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(2));
        account.Close(ClosedReason.WrittenOff, record.AtDpd(2));

        Assert.Empty(account.AdvanceTo(record.AtDpd(100)).Events);
    }

    [Fact]
    public void A_payment_is_allocated_to_penalty_then_fees_then_interest_then_principal()
    {
        var record = Records.Account().Owing(1000.00m, 20.00m, 15.00m, 5.00m).Installment(300.00m).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        var at = record.AtDpd(11);

        var decision = account.Pay("P1", 100.00m, at);

        Assert.Equal(
            [new PaymentReceived("P1", 100.00m, at, new Balance(60.00m, 20.00m, 15.00m, 5.00m), 0m)],
            decision.Events.AsEnumerable());
        Assert.Equal(new Balance(940.00m, 0, 0, 0), account.State.Balance);
        Assert.Equal(200.00m, account.State.Arrears);
        Assert.Equal(100.00m, account.State.Collected);
        Assert.Equal(AccountStatus.Active, account.State.Status);
    }

    [Fact]
    public void The_same_payment_id_with_the_same_amount_records_nothing_again()
    {
        var record = Records.Account().Installment(300.00m).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        account.Pay("P1", 100.00m, record.AtDpd(11));
        var before = account.State;

        var again = account.Pay("P1", 100.00m, record.AtDpd(12));

        Assert.Empty(again.Events);
        Assert.Null(again.Rejection);
        Assert.Same(before, account.State);
    }

    [Fact]
    public void The_same_payment_id_with_another_amount_is_a_Conflict()
    {
        var record = Records.Account().Installment(300.00m).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        account.Pay("P1", 100.00m, record.AtDpd(11));

        var decision = account.Pay("P1", 150.00m, record.AtDpd(12));

        Assert.Empty(decision.Events);
        Assert.Equal(RejectionKind.Conflict, decision.Rejection?.Kind);
        Assert.Contains("'P1'", decision.Rejection!.Message);
        Assert.Equal(100.00m, account.State.Collected);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("100.001")]
    [InlineData("1000000000000.01")]
    public void A_payment_amount_that_is_not_positive_or_too_precise_is_Invalid(string amount)
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));

        var decision = account.Pay("P1", decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), record.AtDpd(11));

        Assert.Empty(decision.Events);
        Assert.Equal(new Rejection(RejectionKind.Invalid, "amount must be greater than 0 with at most 2 decimals (CNY)"), decision.Rejection);
    }

    [Fact]
    public void A_payment_in_yen_with_decimals_is_Invalid()
    {
        var record = Records.Account().Currency("JPY").Owing(150000m).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));

        var decision = account.Pay("P1", 100.5m, record.AtDpd(11));

        Assert.Equal(new Rejection(RejectionKind.Invalid, "amount must be greater than 0 with at most 0 decimals (JPY)"), decision.Rejection);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_payment_without_an_id_is_Invalid(string paymentId)
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));

        Assert.Equal(RejectionKind.Invalid, account.Pay(paymentId, 10m, record.AtDpd(11)).Rejection?.Kind);
        Assert.Equal(RejectionKind.Invalid, account.Pay(new string('P', 129), 10m, record.AtDpd(11)).Rejection?.Kind);
    }

    [Fact]
    public void A_payment_dated_in_the_future_is_Invalid()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        var now = record.AtDpd(11);

        var decision = AccountLifecycle.Pay(account.State, "P1", 10m, now.AddDays(2), now);

        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Paying_the_arrears_closes_the_account_as_Cured()
    {
        var record = Records.Account().Installment(300.00m).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));

        var decision = account.Pay("P1", 300.00m, record.AtDpd(11));

        Assert.IsType<PaymentReceived>(decision.Events[0]);
        Assert.Equal(new AccountClosed(ClosedReason.Cured), decision.Events[1]);
        Assert.Equal(AccountStatus.Closed, account.State.Status);
        Assert.Equal(ClosedReason.Cured, account.State.ClosedReason);
        Assert.Equal(725.00m, account.State.Balance.Total);
    }

    [Fact]
    public void Paying_the_arrears_in_two_payments_cures_on_the_second()
    {
        var record = Records.Account().Installment(300.00m).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));

        var first = account.Pay("P1", 100.00m, record.AtDpd(11));
        var second = account.Pay("P2", 200.00m, record.AtDpd(12));

        Assert.IsType<PaymentReceived>(Assert.Single(first.Events));
        Assert.Equal(new AccountClosed(ClosedReason.Cured), second.Events[^1]);
    }

    [Fact]
    public void The_lenders_past_due_amount_is_the_arrears_to_pay_rather_than_one_installment()
    {
        var record = Records.Account().Installment(300.00m).PastDue(600.00m).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(40));

        var decision = account.Pay("P1", 300.00m, record.AtDpd(41));

        Assert.IsType<PaymentReceived>(Assert.Single(decision.Events));
        Assert.Equal(300.00m, account.State.Arrears);
        Assert.Equal(AccountStatus.Active, account.State.Status);
    }

    [Fact]
    public void Paying_everything_closes_the_account_as_Paid()
    {
        var record = Records.Account().Installment(300.00m).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        var at = record.AtDpd(11);

        var decision = account.Pay("P1", 1025.00m, at);

        Assert.Equal(
            [new PaymentReceived("P1", 1025.00m, at, record.Balance, 0m), new AccountClosed(ClosedReason.Paid)],
            decision.Events.AsEnumerable());
        Assert.Equal(Balance.Zero, account.State.Balance);
        Assert.Equal(ClosedReason.Paid, account.State.ClosedReason);
    }

    [Fact]
    public void An_over_payment_closes_as_Paid_and_records_the_excess_as_Overpaid()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));

        var decision = account.Pay("P1", 1100.00m, record.AtDpd(11));

        var received = Assert.IsType<PaymentReceived>(decision.Events[0]);
        Assert.Equal(75.00m, received.Overpaid);
        Assert.Equal(record.Balance, received.Allocated);
        Assert.Equal(new AccountClosed(ClosedReason.Paid), decision.Events[1]);
        Assert.Equal(75.00m, account.State.Overpaid);
        Assert.Equal(1100.00m, account.State.Collected);
        Assert.Equal(Balance.Zero, account.State.Balance);
    }

    [Fact]
    public void A_payment_to_a_closed_account_is_recorded_as_overpaid_without_closing_again()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        account.Pay("P1", 1025.00m, record.AtDpd(11));

        var decision = account.Pay("P2", 50.00m, record.AtDpd(12));

        var received = Assert.IsType<PaymentReceived>(Assert.Single(decision.Events));
        Assert.Equal(50.00m, received.Overpaid);
        Assert.Equal(ClosedReason.Paid, account.State.ClosedReason);
        Assert.Equal(50.00m, account.State.Overpaid);
    }

    [Theory]
    [InlineData(ClosedReason.Recalled)]
    [InlineData(ClosedReason.WrittenOff)]
    [InlineData(ClosedReason.Sold)]
    public void A_lender_closes_an_account_as_Recalled_WrittenOff_or_Sold(ClosedReason reason)
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(40));
        var at = record.AtDpd(41);

        var decision = account.Close(reason, at);

        Assert.Equal([new AccountClosed(reason)], decision.Events.AsEnumerable());
        Assert.Equal(AccountStatus.Closed, account.State.Status);
        Assert.Equal(reason, account.State.ClosedReason);
        Assert.Equal(at, account.State.ClosedAt);
    }

    [Theory]
    [InlineData(ClosedReason.Cured)]
    [InlineData(ClosedReason.Paid)]
    [InlineData(ClosedReason.Settled)]
    public void A_lender_cannot_close_with_a_reason_only_the_engine_decides(ClosedReason reason)
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(40));

        var decision = account.Close(reason, record.AtDpd(41));

        Assert.Empty(decision.Events);
        Assert.Equal(RejectionKind.Invalid, decision.Rejection?.Kind);
        Assert.Contains($"{reason} is decided by the engine", decision.Rejection!.Message);
        Assert.Equal(AccountStatus.Active, account.State.Status);
    }

    [Fact]
    public void Closing_an_account_twice_is_a_Conflict()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(40));
        account.Close(ClosedReason.Recalled, record.AtDpd(41));

        var decision = account.Close(ClosedReason.Sold, record.AtDpd(42));

        Assert.Empty(decision.Events);
        Assert.Equal(new Rejection(RejectionKind.Conflict, "the account is already closed (Recalled)"), decision.Rejection);
        Assert.Equal(ClosedReason.Recalled, account.State.ClosedReason);
    }

    [Fact]
    public void A_cured_account_re_sent_as_delinquent_again_reopens_and_re_enters_its_stages()
    {
        var record = Records.Account().Installment(300.00m).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        account.Pay("P1", 300.00m, record.AtDpd(11));
        var delinquentAgain = Records.Account().Owing(725.00m).Installment(300.00m).DueOn(new DateOnly(2026, 3, 1)).Build();

        var (outcome, decision) = account.Upsert(delinquentAgain, delinquentAgain.AtDpd(10));

        Assert.Equal(UpsertOutcome.Updated, outcome);
        Assert.Equal(
            [
                new AccountReopened(delinquentAgain, Standard),
                new StageEntered(Stage.Notice, 10, 1, Standard),
                new StageEntered(Stage.Early, 10, 4, Standard),
            ],
            decision.Events.AsEnumerable());
        Assert.Equal(AccountStatus.Active, account.State.Status);
        Assert.Null(account.State.ClosedReason);
        Assert.Null(account.State.ClosedAt);
        Assert.Equal(Stage.Early, account.State.Stage);
        Assert.Equal(300.00m, account.State.Arrears);
    }

    [Fact]
    public void A_reopened_account_still_remembers_its_earlier_payment_ids()
    {
        var record = Records.Account().Installment(300.00m).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        account.Pay("P1", 300.00m, record.AtDpd(11));
        var delinquentAgain = Records.Account().Owing(725.00m).Installment(300.00m).DueOn(new DateOnly(2026, 3, 1)).Build();
        account.Upsert(delinquentAgain, delinquentAgain.AtDpd(10));

        var replayed = account.Pay("P1", 300.00m, delinquentAgain.AtDpd(11));

        Assert.Empty(replayed.Events);
        Assert.Equal(AccountStatus.Active, account.State.Status);
    }

    [Fact]
    public void A_closed_account_re_sent_a_record_that_is_not_past_due_stays_closed()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        account.Close(ClosedReason.Recalled, record.AtDpd(11));
        var notDueYet = Records.Account().DueOn(Records.DueDate.AddDays(60)).Build();

        var (outcome, decision) = account.Upsert(notDueYet, record.AtDpd(12));

        Assert.Equal(UpsertOutcome.Updated, outcome);
        Assert.IsType<AccountUpdated>(Assert.Single(decision.Events));
        Assert.Equal(AccountStatus.Closed, account.State.Status);
        Assert.Equal(ClosedReason.Recalled, account.State.ClosedReason);
    }

    [Fact]
    public void A_closed_account_re_sent_the_same_record_stays_closed_and_unchanged()
    {
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        account.Close(ClosedReason.Recalled, record.AtDpd(11));

        var (outcome, decision) = account.Upsert(record, record.AtDpd(30));

        Assert.Equal(UpsertOutcome.Unchanged, outcome);
        Assert.Empty(decision.Events);
        Assert.Equal(AccountStatus.Closed, account.State.Status);
    }

    [Fact]
    public void Events_may_only_follow_an_AccountOpened()
    {
        var e = new AccountEvent(1, Records.Account().Build().AtDpd(1), "lender:L1", new AccountClosed(ClosedReason.Recalled));

        Assert.Throws<InvalidOperationException>(() => AccountLifecycle.Apply(null, e));
    }

    [Fact]
    public void An_account_due_on_the_last_accepted_date_has_a_next_wake_and_no_date_arithmetic_overflows()
    {
        var record = Records.Account().DueOn(BusinessCalendar.MaxDate).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(-10));

        var wake = account.NextWake();

        Assert.NotNull(wake);
        Assert.Equal("enter Notice", wake.Reason);
        Assert.Empty(account.AdvanceTo(record.AtDpd(-1)).Events);
    }
}
