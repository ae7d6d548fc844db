using System.Collections.Immutable;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Domain.Strategies;
using Collections.Domain.Tests.Contacts;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Segments;

/// <summary>Treatment by risk: segments and products of the strategy document, and what they change on an account.</summary>
public class SegmentTests
{
    private const string SmallBalanceSkipsLegal = """
        { "segments": [ { "name": "small-balance", "when": { "maxBalance": 500 }, "legal": { "enabled": false } } ] }
        """;

    internal static StrategyInForce InForceOf(string json)
    {
        var result = StrategyDocument.Parse(json);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        return new StrategyInForce(new StrategyRef("segmented", 1, StrategyVariant.Champion), result.Strategy!);
    }

    [Fact]
    public void A_segment_replaces_only_the_sections_it_names_and_keeps_the_strategy_s_other_values()
    {
        var strategy = InForceOf("""
            { "legal": { "minBalance": 100 },
              "segments": [ { "name": "low-score", "when": { "maxScore": 300, "minDpd": 1, "products": ["card"] },
                              "legal": { "enabled": false },
                              "contactPlan": [ {"stage":"Early","channel":"Call","everyDays":1,"template":"early-firm"} ] } ] }
            """).Rules;

        var segment = Assert.Single(strategy.Segments);
        Assert.Equal("low-score", segment.Name);
        Assert.Equal(new SegmentWhen(1, null, null, null, null, 300, [Product.Card]), segment.When);
        Assert.Equal(new LegalPolicy(100, Enabled: false), segment.Rules.Legal);
        Assert.Equal("early-firm", Assert.Single(segment.Rules.ContactPlan).TemplateId);
        Assert.Equal(strategy.Negotiation, segment.Rules.Negotiation);
        Assert.Equal(strategy.Stages, segment.Rules.Stages);
        Assert.Equal("Notice.Sms", strategy.ContactPlan[0].TemplateId);
    }

    [Fact]
    public void Every_problem_of_segments_and_products_is_named_with_its_path()
    {
        var result = StrategyDocument.Parse("""
            { "segments": [ { "name": "a", "when": { "minDpd": 30, "maxDpd": 10, "colour": "red" }, "compliance": { "profile": "US" } },
                            { "name": "a", "legal": { "enabled": "no" }, "stages": { "Early": 0 } } ],
              "products": { "boat": { "stages": { "Early": 5 } }, "card": { "stages": { "Mid": 2 } } } }
            """);

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                "products.boat", "products.card.stages.Mid", "segments[0].compliance", "segments[0].when.colour",
                "segments[0].when.maxDpd", "segments[1].legal.enabled", "segments[1].name", "segments[1].stages.Early",
            ],
            result.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_template_id_that_a_gateway_could_not_take_is_refused_with_its_path()
    {
        var result = StrategyDocument.Parse("""
            { "contactPlan": [ {"stage":"Notice","channel":"Sms","dayOffsets":[0],"template":"has spaces"} ] }
            """);

        Assert.Equal(["contactPlan[0].template"], result.Errors.Keys);
    }

    [Fact]
    public void A_document_without_segments_or_products_keeps_the_strategy_as_it_was()
    {
        var strategy = StrategyDocument.Default;

        Assert.Empty(strategy.Segments);
        Assert.Empty(strategy.ProductStages);
        Assert.Same(strategy, strategy.Resolve(null, Product.Card));
        Assert.Equal(new LegalPolicy(0, Enabled: true), strategy.Legal);
        Assert.Equal([1], strategy.Negotiation.ReminderDaysBefore.AsEnumerable());
    }

    [Fact]
    public void An_account_that_matches_a_segment_records_it_when_opened_and_shows_it_in_its_state()
    {
        var record = Records.Account().Owing(300).Build();

        var account = AccountHarness.Opened(record, record.AtDpd(5), InForceOf(SmallBalanceSkipsLegal));

        var changed = Assert.Single(account.Recorded<SegmentChanged>());
        Assert.Equal(new SegmentChanged(null, "small-balance", 5, 300m, null), changed);
        Assert.Equal("small-balance", account.State.Segment);
    }

    [Fact]
    public void A_small_balance_segment_without_Legal_stays_in_Mid_with_its_agency_until_charged_off()
    {
        var record = Records.Account().Owing(300).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(95), InForceOf(SmallBalanceSkipsLegal));

        Assert.Equal([Stage.Notice, Stage.Early, Stage.Mid], account.StagesEntered);
        Assert.Equal(BusinessCalendar.StartOfDay(record.DueDate.AddDays(181), account.State.Zone), account.NextWake()!.At);
        Assert.True(AccountLifecycle.PlacementDue(account.State, account.Strategy.Rules));

        account.AdvanceTo(record.AtDpd(181));
        Assert.Equal([Stage.Notice, Stage.Early, Stage.Mid, Stage.ChargedOff], account.StagesEntered);
    }

    [Fact]
    public void A_balance_below_legal_minBalance_keeps_the_account_out_of_Legal_and_one_above_enters_it()
    {
        var strategy = InForceOf("""{ "legal": { "minBalance": 2000 } }""");
        var small = Records.Account().Owing(1000).Build();
        var large = Records.Account("A-2").Owing(5000).Build();

        Assert.Equal([Stage.Notice, Stage.Early, Stage.Mid], AccountHarness.Opened(small, small.AtDpd(100), strategy).StagesEntered);
        Assert.Equal([Stage.Notice, Stage.Early, Stage.Mid, Stage.Legal], AccountHarness.Opened(large, large.AtDpd(100), strategy).StagesEntered);
    }

    [Fact]
    public void A_product_s_stage_thresholds_apply_to_its_accounts_only()
    {
        var strategy = InForceOf("""{ "products": { "card": { "stages": { "Early": 10 } } } }""");
        var card = Records.Account().With("product", "card").Build();
        var loan = Records.Account("A-2").Build();

        Assert.Equal([Stage.Notice], AccountHarness.Opened(card, card.AtDpd(8), strategy).StagesEntered);
        Assert.Equal([Stage.Notice, Stage.Early], AccountHarness.Opened(loan, loan.AtDpd(8), strategy).StagesEntered);
        Assert.Equal(new StageThresholds(1, 10, 31, 91, 181), strategy.Rules.ProductStages[Product.Card]);
    }

    [Fact]
    public void An_account_in_Legal_whose_arrears_are_paid_stays_open_until_it_is_paid_in_full()
    {
        var record = Records.Account().Installment(100).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(95));
        Assert.Equal(Stage.Legal, account.State.Stage);

        account.Payment("P1", 100, record.AtDpd(96));
        Assert.Equal(AccountStatus.Active, account.State.Status);
        Assert.Equal(0, account.State.Arrears);

        account.Payment("P2", account.State.Balance.Total, record.AtDpd(97));
        Assert.Equal(ClosedReason.Paid, account.State.ClosedReason);
    }

    [Fact]
    public void An_account_in_Mid_whose_arrears_are_paid_is_still_cured()
    {
        var record = Records.Account().Installment(100).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(40));

        account.Payment("P1", 100, record.AtDpd(41));

        Assert.Equal(ClosedReason.Cured, account.State.ClosedReason);
    }

    [Fact]
    public void Growing_days_past_due_change_the_segment_on_the_day_of_the_bound_once()
    {
        var strategy = InForceOf("""{ "segments": [ { "name": "late", "when": { "minDpd": 31 } } ] }""");
        var record = Records.Account().Build();
        var account = AccountHarness.Opened(record, record.AtDpd(1), strategy);
        Assert.Equal(
            BusinessCalendar.StartOfDay(record.DueDate.AddDays(31), account.State.Zone),
            AccountLifecycle.SegmentWake(account.State, strategy.Rules, record.AtDpd(1))!.At);

        for (var dpd = 2; dpd <= 60; dpd++)
        {
            account.AdvanceTo(record.AtDpd(dpd));
        }

        var changed = Assert.Single(account.Recorded<SegmentChanged>());
        Assert.Equal((null, "late", 31), (changed.From, changed.To, changed.DaysPastDue));
        Assert.Null(AccountLifecycle.SegmentWake(account.State, strategy.Rules, record.AtDpd(60)));
    }

    [Fact]
    public void A_record_update_that_crosses_a_score_bound_changes_the_segment_at_once()
    {
        var strategy = InForceOf("""{ "segments": [ { "name": "low-score", "when": { "maxScore": 300 } } ] }""");
        var record = Records.Account().With("score", "700").Build();
        var account = AccountHarness.Opened(record, record.AtDpd(5), strategy);
        Assert.Null(account.State.Segment);

        account.Upsert(Records.Account().With("score", "250").Build(), record.AtDpd(6));

        Assert.Equal("low-score", account.State.Segment);
        Assert.Equal(new SegmentChanged(null, "low-score", 6, 1025m, 250), Assert.Single(account.Recorded<SegmentChanged>()));
    }

    [Fact]
    public void A_segment_s_contact_plan_replaces_the_planned_contacts_of_the_one_the_account_left()
    {
        var strategy = InForceOf("""
            { "segments": [ { "name": "small-balance", "when": { "maxBalance": 500 },
                              "contactPlan": [ {"stage":"Early","channel":"Email","everyDays":2,"template":"early-soft"} ] } ] }
            """);
        var record = Records.Account().Build();
        var at = record.AtDpd(5);
        var account = new ContactDriver(record, at, strategy);
        Assert.Contains(account.State.Contacts.Planned, p => p.Channel == ContactChannel.Call);

        account.Command(s => AccountLifecycle.Pay(s, "P1", 600, at, at), at);
        account.WakeAt(at.AddMinutes(1));

        Assert.Contains(account.Recorded<ContactSuppressed>(), s => s.Data.Rule == ContactRules.SegmentChanged && s.Data.Channel == ContactChannel.Call);
        Assert.Contains(account.Recorded<ContactDispatchRequested>(), r => r.Data.Template == "early-soft");
        Assert.All(account.State.Contacts.Planned, p => Assert.Equal(ContactChannel.Email, p.Channel));
    }

    [Fact]
    public void While_a_promise_is_open_plan_contacts_pause_and_a_reminder_goes_out_the_day_before_its_date()
    {
        var record = Records.Account().Build();
        var start = record.AtDpd(5);
        var account = new ContactDriver(record, start);
        var promisedFor = record.DueDate.AddDays(10);
        account.Command(s => AccountLifecycle.MakePromise(s, 200, promisedFor, start, account.Strategy.Rules), start);
        var promisedAt = account.History.Count;

        for (var dpd = 6; dpd <= 10; dpd++)
        {
            account.WakeAt(record.AtDpd(dpd));
        }

        var after = account.History.Skip(promisedAt).Select(e => (e.At, e.Data)).ToList();
        var dispatched = after.Where(e => e.Data is ContactDispatchRequested).ToList();
        var reminder = (ContactDispatchRequested)Assert.Single(dispatched).Data;
        Assert.Equal(("Reminder.Sms", ContactChannel.Sms), (reminder.Template, reminder.Channel));
        Assert.Equal(promisedFor.AddDays(-1), BusinessCalendar.LocalDate(Assert.Single(dispatched).At, account.State.Zone));
        Assert.Contains(after, e => e.Data is ContactSuppressed { Rule: ContactRules.Arrangement, Channel: ContactChannel.Call });
    }

    [Fact]
    public void A_plan_gets_a_reminder_before_each_installment_on_every_day_the_strategy_asks()
    {
        var strategy = InForceOf("""{ "negotiation": { "reminderDaysBefore": [3, 1], "reminderChannel": "Email" } }""");
        var record = Records.Account().Owing(1000).Build();
        var start = record.AtDpd(5);
        var account = new ContactDriver(record, start, strategy);
        var first = record.DueDate.AddDays(12);
        var terms = new PlanTerms([new PlanInstallment(first, 500), new PlanInstallment(first.AddDays(10), 500)], Waiver.None);
        account.Command(s => AccountLifecycle.SubmitPlan(s, terms, start, strategy.Rules), start);

        for (var dpd = 6; dpd <= 22; dpd++)
        {
            var at = record.AtDpd(dpd);
            account.WakeAt(at);
            if (dpd == 12)
            {
                account.Command(s => AccountLifecycle.Pay(s, "P1", 500, at, at), at);
            }
        }

        var reminders = account.Recorded<ContactDispatchRequested>().Where(r => r.Data.Template == "Reminder.Email")
            .Select(r => BusinessCalendar.LocalDate(r.At, account.State.Zone));
        Assert.Equal([first.AddDays(-3), first.AddDays(-1), first.AddDays(7), first.AddDays(9)], reminders);
    }
}
