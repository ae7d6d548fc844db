using System.Text.Json;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Agencies;

public sealed class OutsourcingTests
{
    private static readonly Domain.Strategies.Strategy Rules = InForce.Standard.Rules;

    /// <summary>An account opened at DPD 40 (Mid) and placed with <paramref name="agencyId"/> at 10:00 local that day.</summary>
    private static (AccountHarness Account, DateTimeOffset PlacedAt) PlacedWith(string agencyId = "AG1", decimal rate = 0.2m)
    {
        var record = Records.Account().Build();
        var at = record.AtDpd(40);
        var account = AccountHarness.Opened(record, at);
        Assert.True(AccountLifecycle.PlacementDue(account.State, Rules));
        account.Execute((s, rules) => AccountLifecycle.Place(s, agencyId, rate, at, rules), at);
        return (account, at);
    }

    [Fact]
    public void An_account_in_the_placement_stage_is_placed_until_the_start_of_the_local_day_its_term_ends()
    {
        var (account, placedAt) = PlacedWith();

        var placed = Assert.Single(account.Recorded<AccountPlaced>());
        Assert.Equal(30, placed.DurationDays);
        Assert.Equal(1025m, placed.Balance);
        var expected = BusinessCalendar.StartOfDay(BusinessCalendar.LocalDate(placedAt, account.State.Zone).AddDays(30), account.State.Zone);
        Assert.Equal(expected, placed.ExpiresAt);
        Assert.Equal(account.History[^1].Seq, account.State.Outsourcing.Current!.Id);
        Assert.False(AccountLifecycle.PlacementDue(account.State, Rules));
        Assert.Equal(expected, AccountLifecycle.PlacementWake(account.State, Rules, placedAt, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1))!.At);

        Assert.Empty(AccountLifecycle.PlacementEnds(account.State, expected.AddTicks(-1)));
        var recall = Assert.IsType<PlacementRecalled>(Assert.Single(AccountLifecycle.PlacementEnds(account.State, expected)));
        Assert.Equal(PlacementEndReason.Expired, recall.Reason);
    }

    [Fact]
    public void An_account_below_min_balance_or_before_the_placement_stage_is_not_due()
    {
        var record = Records.Account().Build();
        var early = AccountHarness.Opened(record, record.AtDpd(10));
        Assert.False(AccountLifecycle.PlacementDue(early.State, Rules));

        var mid = AccountHarness.Opened(record, record.AtDpd(40));
        Assert.False(AccountLifecycle.PlacementDue(mid.State, Rules with { Placement = Rules.Placement with { MinBalance = 2000m } }));
        Assert.True(AccountLifecycle.PlacementDue(mid.State, Rules with { Placement = Rules.Placement with { MinBalance = 1025m } }));
    }

    [Theory]
    [InlineData("dispute", PlacementEndReason.Dispute, null)]
    [InlineData("bankruptcy", PlacementEndReason.Hold, "Bankruptcy")]
    [InlineData("deceased", PlacementEndReason.Hold, "Deceased")]
    [InlineData("close", PlacementEndReason.Closed, "Recalled")]
    [InlineData("pay", PlacementEndReason.PaidInFull, "Paid")]
    [InlineData("legal", PlacementEndReason.Escalated, "Legal")]
    public void A_change_that_recalls_the_placement_calls_for_its_recall(string change, PlacementEndReason reason, string? detail)
    {
        var (account, placedAt) = PlacedWith();
        var later = placedAt.AddDays(1);
        _ = change switch
        {
            "dispute" => account.OpenDispute("not my debt", later),
            "bankruptcy" => account.PlaceHold(HoldType.Bankruptcy, later),
            "deceased" => account.PlaceHold(HoldType.Deceased, later),
            "close" => account.Execute((s, _) => AccountLifecycle.Close(s, ClosedReason.Recalled), later),
            "pay" => account.Payment("P-1", 1025m, later),
            _ => null,
        };
        var now = change == "legal" ? account.State.Record.AtDpd(91) : later;
        if (change == "legal")
        {
            account.AdvanceTo(now);
        }

        // The recall is recorded in the append of the change itself; nothing is left to recall.
        var recall = Assert.Single(account.Recorded<PlacementRecalled>());
        Assert.Empty(AccountLifecycle.PlacementEnds(account.State, now));
        Assert.Equal(reason, recall.Reason);
        Assert.Equal(detail, recall.Detail);
        Assert.Equal("AG1", recall.AgencyId);
    }

    [Theory]
    [InlineData(HoldType.Hardship)]
    [InlineData(HoldType.CeaseCommunication)]
    [InlineData(HoldType.Fraud)]
    public void A_hold_that_does_not_hand_placements_back_keeps_the_placement_but_stops_a_new_one(HoldType hold)
    {
        var (account, placedAt) = PlacedWith();
        account.PlaceHold(hold, placedAt.AddHours(1));
        Assert.Empty(AccountLifecycle.PlacementEnds(account.State, placedAt.AddHours(2)));

        var record = Records.Account().Build();
        var waiting = AccountHarness.Opened(record, record.AtDpd(40));
        waiting.PlaceHold(hold, record.AtDpd(40));
        Assert.False(AccountLifecycle.PlacementDue(waiting.State, Rules));
    }

    [Fact]
    public void A_recalled_account_is_placed_again_but_never_with_the_same_agency_twice_in_a_row()
    {
        var (account, placedAt) = PlacedWith("AG1");
        var end = account.State.Outsourcing.Current!.ExpiresAt;
        account.Execute((s, _) => new Decision(AccountLifecycle.PlacementEnds(s, end)), end);

        Assert.Null(account.State.Outsourcing.Current);
        Assert.Equal("AG1", AccountLifecycle.ExcludedAgency(account.State));
        Assert.True(AccountLifecycle.PlacementDue(account.State, Rules));
        Assert.Equal(RejectionKind.Conflict, AccountLifecycle.Place(account.State, "AG1", 0.2m, end, Rules).Rejection?.Kind);

        account.Execute((s, rules) => AccountLifecycle.Place(s, "AG2", 0.1m, end, rules), end);
        Assert.Equal("AG2", account.State.Outsourcing.Current!.AgencyId);
        Assert.Equal(2, account.State.Outsourcing.Placements);
        Assert.True(placedAt < account.State.Outsourcing.Current.PlacedAt);
    }

    [Fact]
    public void The_agency_returns_the_account_with_its_figures_and_another_agency_gets_nothing()
    {
        var (account, placedAt) = PlacedWith("AG1");
        Assert.Equal(RejectionKind.NotFound, AccountLifecycle.ReturnPlacement(account.State, "AG2", "wrong region", placedAt).Rejection?.Kind);
        Assert.Equal(RejectionKind.Invalid, AccountLifecycle.ReturnPlacement(account.State, "AG1", " ", placedAt).Rejection?.Kind);

        account.Execute((s, _) => AccountLifecycle.ReturnPlacement(s, "AG1", "debtor abroad", placedAt.AddDays(2)), placedAt.AddDays(2));
        var returned = Assert.Single(account.Recorded<PlacementReturned>());
        Assert.Equal("debtor abroad", returned.Reason);
        Assert.Equal(PlacementEndReason.Returned, account.State.Outsourcing.Last!.EndReason);
        Assert.Equal(RejectionKind.NotFound, AccountLifecycle.ReturnPlacement(account.State, "AG1", "again", placedAt.AddDays(2)).Rejection?.Kind);
    }

    [Fact]
    public void An_agency_contact_outside_the_local_window_or_over_the_cap_is_recorded_as_the_agencys_violation_and_counted()
    {
        var (account, placedAt) = PlacedWith();
        var zone = account.State.Zone;
        var tomorrow = BusinessCalendar.StartOfDay(BusinessCalendar.LocalDate(placedAt, zone).AddDays(1), zone);

        var night = AccountLifecycle.RecordAgencyContact(account.State, "AG1", ContactChannel.Call, ContactOutcome.NoAnswer, tomorrow.AddHours(23), null, tomorrow.AddHours(23), Rules, out var refused);
        Assert.Null(night.Rejection);
        Assert.Equal(ContactRules.TimeWindow, Assert.IsType<ContactViolation>(Assert.Single(night.Events)).Rule);
        Assert.Equal(ContactRules.TimeWindow, refused!.Rule);

        for (var i = 0; i < 3; i++)
        {
            var at = tomorrow.AddHours(10 + i);
            account.Execute((s, rules) => AccountLifecycle.RecordAgencyContact(s, "AG1", ContactChannel.Call, ContactOutcome.Conversation, at, null, at, rules, out _), at);
        }

        // The fourth call happened: it is the agency's violation, and the cap still counts it.
        var fourth = tomorrow.AddHours(15);
        account.Execute((s, rules) => AccountLifecycle.RecordAgencyContact(s, "AG1", ContactChannel.Call, ContactOutcome.PromiseToPay, fourth, (100m, BusinessCalendar.LocalDate(fourth, zone).AddDays(3)), fourth, rules, out _), fourth, AccountLifecycle.AgencyActor("AG1"));
        var violation = Assert.Single(account.Recorded<ContactViolation>());
        Assert.Equal(ContactRules.EffectiveCallsPerDay, violation.Rule);
        Assert.Empty(account.Recorded<PromiseMade>());

        var stats = account.State.Outsourcing.Current!.Stats;
        Assert.Equal((4, 4, 1, 0), (stats.ContactAttempts, stats.ContactsReached, stats.Violations, stats.PromisesMade));
        Assert.Equal(1, account.State.Violations[AccountLifecycle.AgencyActor("AG1")]);
        var fifth = tomorrow.AddHours(16);
        Assert.False(AccountLifecycle.ContactPermission(account.State, ContactChannel.Call, fifth, Rules).Decision.Allowed);
    }

    [Fact]
    public void An_activity_that_broke_a_rule_is_recorded_once_by_its_id()
    {
        var (account, placedAt) = PlacedWith();
        var zone = account.State.Zone;
        var night = BusinessCalendar.StartOfDay(BusinessCalendar.LocalDate(placedAt, zone).AddDays(1), zone).AddHours(23);

        account.Execute((s, rules) => AccountLifecycle.RecordAgencyActivity(s, "AG1", "ACT-9", ContactChannel.Call, ContactOutcome.NoAnswer, night, null, night, rules, out _), night, AccountLifecycle.AgencyActor("AG1"));
        var again = AccountLifecycle.RecordAgencyActivity(account.State, "AG1", "ACT-9", ContactChannel.Call, ContactOutcome.NoAnswer, night, null, night, Rules, out _);

        Assert.Equal("ACT-9", Assert.Single(account.Recorded<ContactViolation>()).ActivityId);
        Assert.True(again.Events.IsEmpty);
        Assert.Equal(1, account.State.Outsourcing.Current!.Stats.Violations);
    }

    [Fact]
    public void A_promise_the_agency_took_counts_as_kept_for_the_agency_once_decided()
    {
        var (account, placedAt) = PlacedWith();
        var at = placedAt.AddHours(1);
        var due = BusinessCalendar.LocalDate(at, account.State.Zone).AddDays(5);
        account.Execute((s, rules) => AccountLifecycle.RecordAgencyContact(s, "AG1", ContactChannel.Call, ContactOutcome.PromiseToPay, at, (300m, due), at, rules, out _), at);
        Assert.Single(account.Recorded<PromiseMade>());
        Assert.Equal(1, account.State.Outsourcing.Current!.Stats.PromisesMade);

        account.Execute((s, _) => AccountLifecycle.PayThroughAgency(s, "AG1", "AP-1", 300m, at.AddDays(1), at.AddDays(1)), at.AddDays(1));
        account.AdvanceTo(at.AddDays(10));

        Assert.Single(account.Recorded<PromiseKept>());
        var stats = account.State.Outsourcing.Current!.Stats;
        Assert.Equal((1, 0), (stats.PromisesKept, stats.PromisesBroken));
        Assert.Equal(300m, stats.Collected);
        Assert.Equal(60m, stats.Commission);
    }

    [Fact]
    public void An_agency_payment_is_credited_once_and_paying_everything_recalls_the_placement_and_a_retry_still_answers()
    {
        var (account, placedAt) = PlacedWith(rate: 0.185m);
        var at = placedAt.AddDays(1);
        account.Execute((s, _) => AccountLifecycle.PayThroughAgency(s, "AG1", "AP-1", 100.01m, at, at), at);
        var credit = Assert.Single(account.Recorded<PlacementPaymentCredited>());
        Assert.Equal(18.50m, credit.Commission);

        Assert.Empty(AccountLifecycle.PayThroughAgency(account.State, "AG1", "AP-1", 100.01m, at, at).Events);
        Assert.Equal(RejectionKind.Conflict, AccountLifecycle.PayThroughAgency(account.State, "AG1", "AP-1", 5m, at, at).Rejection?.Kind);
        Assert.Equal(RejectionKind.NotFound, AccountLifecycle.PayThroughAgency(account.State, "AG2", "AP-9", 5m, at, at).Rejection?.Kind);

        account.Execute((s, _) => AccountLifecycle.PayThroughAgency(s, "AG1", "AP-2", 924.99m, at, at), at);
        Assert.Equal(AccountStatus.Closed, account.State.Status);
        var recall = Assert.Single(account.Recorded<PlacementRecalled>());
        Assert.Null(account.State.Outsourcing.Current);
        Assert.Equal(PlacementEndReason.PaidInFull, recall.Reason);
        Assert.Equal(1025m, recall.Stats.Collected);

        account.Execute((s, _) => new Decision(AccountLifecycle.PlacementEnds(s, at)), at);
        Assert.Empty(AccountLifecycle.PayThroughAgency(account.State, "AG1", "AP-2", 924.99m, at, at).Events);
        Assert.Null(AccountLifecycle.PayThroughAgency(account.State, "AG1", "AP-2", 924.99m, at, at).Rejection);
        Assert.Equal(RejectionKind.NotFound, AccountLifecycle.PayThroughAgency(account.State, "AG1", "AP-3", 1m, at, at).Rejection?.Kind);
    }

    [Fact]
    public void An_account_waiting_for_room_records_the_wait_once_and_retries_at_growing_intervals()
    {
        var record = Records.Account().Build();
        var at = record.AtDpd(40);
        var account = AccountHarness.Opened(record, at);
        Assert.Equal("look for an agency serving the account", AccountLifecycle.PlacementWake(account.State, Rules, at, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1))!.Reason);

        account.Execute((s, _) => AccountLifecycle.AwaitPlacement(s, "no room"), at);
        Assert.Empty(AccountLifecycle.AwaitPlacement(account.State, "no room").Events);

        DateTimeOffset Next(TimeSpan after) =>
            AccountLifecycle.PlacementWake(account.State, Rules, at + after, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(16))!.At;
        Assert.Equal(at.AddMinutes(1), Next(TimeSpan.Zero));
        Assert.Equal(at.AddMinutes(3), Next(TimeSpan.FromMinutes(1)));
        Assert.Equal(at.AddMinutes(7), Next(TimeSpan.FromMinutes(5)));
        Assert.Equal(at.AddMinutes(31), Next(TimeSpan.FromMinutes(20)));
        Assert.Equal(at.AddMinutes(47), Next(TimeSpan.FromMinutes(31)));

        account.Execute((s, rules) => AccountLifecycle.Place(s, "AG1", 0.1m, at.AddMinutes(40), rules), at.AddMinutes(40));
        Assert.Null(account.State.Outsourcing.WaitingSince);
    }

    [Fact]
    public void The_snapshot_and_the_placement_events_round_trip_as_json()
    {
        var (account, placedAt) = PlacedWith();
        var at = placedAt.AddHours(1);
        account.Execute((s, rules) => AccountLifecycle.RecordAgencyContact(s, "AG1", ContactChannel.Sms, ContactOutcome.NoAnswer, at, null, at, rules, out _), at);
        account.Execute((s, _) => AccountLifecycle.PayThroughAgency(s, "AG1", "AP-1", 10m, at, at), at);

        var json = JsonSerializer.Serialize(account.State, DomainJson.Options);
        var restored = JsonSerializer.Deserialize<AccountState>(json, DomainJson.Options)!;
        var placed = account.State.Outsourcing.Current!;
        var back = restored.Outsourcing.Current!;
        Assert.Equal(placed, back with { Credited = placed.Credited });
        Assert.Equal(placed.Credited, back.Credited);
        Assert.Equal(account.State.Outsourcing.RecentContacts.ToArray(), restored.Outsourcing.RecentContacts.ToArray());

        foreach (var e in account.History)
        {
            var again = AccountEventJson.Deserialize(AccountEventJson.Serialize(e));
            Assert.Equal(e.Type, again.Type);
        }

        Assert.Contains(account.History, e => e.Type == nameof(AgencyContactRecorded));
        Assert.Equal(EvidenceCategory.Placement, Evidence.CategoryOf(nameof(AccountPlaced)));
        Assert.Equal(EvidenceCategory.Placement, Evidence.CategoryOf(nameof(PlacementPaymentCredited)));
        Assert.Equal(EvidenceCategory.Contact, Evidence.CategoryOf(nameof(AgencyContactRecorded)));
    }
}
