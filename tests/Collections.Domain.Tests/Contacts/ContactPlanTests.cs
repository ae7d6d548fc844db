using System.Collections.Immutable;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Domain.Strategies;
using Collections.Domain.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Collections.Domain.Tests.Contacts;

/// <summary>
/// Plays the grain's part for contacts: after every change and at every wake, what the plan calls for is
/// decided (<see cref="AccountLifecycle.DueContacts"/>), and a dispatched contact is sent at once.
/// </summary>
internal sealed class ContactDriver
{
    private readonly List<AccountEvent> history = [];

    public ContactDriver(AccountRecord record, DateTimeOffset at, StrategyInForce? strategy = null)
    {
        Strategy = strategy ?? InForce.Standard;
        var (_, opened) = AccountLifecycle.Upsert(null, "L1", record, at, Strategy);
        Record(opened.Events, at);
    }

    public StrategyInForce Strategy { get; }

    public AccountState State { get; private set; } = null!;

    public IReadOnlyList<AccountEvent> History => history;

    public IEnumerable<(DateTimeOffset At, T Data)> Recorded<T>() => history.Where(e => e.Data is T).Select(e => (e.At, (T)(object)e.Data));

    /// <summary>The earliest wake of the lifecycle and of the contacts.</summary>
    public DateTimeOffset? NextWake(DateTimeOffset now) =>
        AccountLifecycle.Earliest(AccountLifecycle.NextWake(State, Strategy.Rules), AccountLifecycle.ContactWake(State, Strategy.Rules, now))?.At;

    public void WakeAt(DateTimeOffset now) => Record(AccountLifecycle.Advance(State, now, Strategy.Rules, Strategy), now);

    public void Command(Func<AccountState, Decision> command, DateTimeOffset now)
    {
        var decision = command(State);
        Assert.Null(decision.Rejection);
        Record(decision.Events, now);
    }

    private void Record(ImmutableArray<AccountEventData> events, DateTimeOffset at)
    {
        Apply(events, at);
        for (var round = 0; round < 10; round++)
        {
            var due = AccountLifecycle.DueContacts(State, at, Strategy.Rules);
            var sent = State.Contacts.Outbox.SelectMany(p => AccountLifecycle.RecordContactSent(State, p.Id, "test", null, null, null, at).Events).ToImmutableArray();
            if (due.IsEmpty && sent.IsEmpty)
            {
                return;
            }

            Apply(due, at);
            foreach (var pending in State.Contacts.Outbox)
            {
                Apply(AccountLifecycle.RecordContactSent(State, pending.Id, "test", null, null, null, at).Events, at);
            }
        }
    }

    private void Apply(ImmutableArray<AccountEventData> events, DateTimeOffset at)
    {
        foreach (var data in events)
        {
            var e = new AccountEvent((State?.Version ?? 0) + 1, at, "", data);
            State = AccountLifecycle.Apply(State, e);
            history.Add(e);
        }
    }
}

public sealed class ContactPlanTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The debtor-local instant (Shanghai) on the day the record is <paramref name="dpd"/> days past due.</summary>
    private static DateTimeOffset Local(AccountRecord record, int dpd, int hour, int minute = 0) =>
        BusinessCalendar.StartOfDay(record.DueDate.AddDays(dpd), Shanghai).AddHours(hour).AddMinutes(minute);

    [Fact]
    public void A_call_due_after_the_window_closed_waits_for_08_00_local_and_the_next_call_is_not_made_the_same_day()
    {
        var record = Records.Account().Build();
        var account = new ContactDriver(record, Local(record, 4, 23, 30));

        // Early at 23:30: the letter goes at once (no hour window), the day's call waits.
        Assert.Equal([ContactChannel.Letter], account.Recorded<ContactDispatchRequested>().Select(r => r.Data.Channel));
        var opens = Local(record, 5, 8);
        Assert.Equal(opens, account.NextWake(Local(record, 4, 23, 30)));

        account.WakeAt(opens.AddMinutes(-1));
        Assert.Single(account.Recorded<ContactDispatchRequested>());
        account.WakeAt(opens);
        var calls = account.Recorded<ContactDispatchRequested>().Where(r => r.Data.Channel == ContactChannel.Call).ToList();
        Assert.Equal([opens], calls.Select(c => c.At));
        Assert.Equal(ContactRules.Allowed, calls[0].Data.Rule);

        // The next call is the next local day, at the window's opening again.
        Assert.Equal(Local(record, 6, 8), account.NextWake(opens));
    }

    [Fact]
    public void During_a_dispute_the_planned_call_is_suppressed_with_the_rule_and_planning_pauses_until_it_is_resolved()
    {
        var record = Records.Account().Build();
        var start = Local(record, 4, 10);
        var account = new ContactDriver(record, start);
        account.Command(s => AccountLifecycle.OpenDispute(s, "not mine", start), start);

        var tomorrow = Local(record, 5, 8);
        Assert.Equal(tomorrow, account.NextWake(start));
        account.WakeAt(tomorrow);
        var suppressed = Assert.Single(account.Recorded<ContactSuppressed>()).Data;
        Assert.Equal((ContactChannel.Call, ContactRules.DisputeOpen), (suppressed.Channel, suppressed.Rule));
        Assert.Null(account.NextWake(tomorrow));

        var resolved = Local(record, 7, 15);
        account.Command(s => AccountLifecycle.ResolveDispute(s, DisputeOutcome.Verified), resolved);
        Assert.Contains(account.Recorded<ContactDispatchRequested>(), r => r.At == resolved && r.Data.Channel == ContactChannel.Call);
    }

    [Fact]
    public void A_planned_contact_of_a_stage_left_or_a_closed_account_is_suppressed_with_the_reason()
    {
        var record = Records.Account().Build();
        var start = Local(record, 30, 21, 59);
        var account = new ContactDriver(record, start);
        Assert.Contains(account.State.Contacts.Planned, p => p.Stage == Stage.Early);

        account.WakeAt(Local(record, 31, 0, 30));
        Assert.Equal(Stage.Mid, account.State.Stage);
        Assert.Contains(account.Recorded<ContactSuppressed>(), s => s.Data.Rule == ContactRules.StageLeft);
        Assert.Empty(account.State.Contacts.Planned);

        var early = new ContactDriver(Records.Account("A-2").Build(), Local(record, 4, 23));
        early.Command(s => AccountLifecycle.Close(s, ClosedReason.Recalled), Local(record, 4, 23, 10));
        Assert.Contains(early.Recorded<ContactSuppressed>(), s => s.Data.Rule == ContactRules.AccountClosed);
        Assert.Empty(early.State.Contacts.Planned);
    }

    [Fact]
    public void A_lenders_holidays_are_read_from_the_strategy_and_stop_every_planned_contact_that_day()
    {
        var parsed = StrategyDocument.Parse("""{"compliance":{"profile":"CN","holidays":["2026-01-10","2026-01-09"]}}""");
        Assert.Equal(new[] { new DateOnly(2026, 1, 9), new DateOnly(2026, 1, 10) }, parsed.Strategy!.Compliance.Holidays.ToArray());
        var invalid = StrategyDocument.Parse("""{"compliance":{"profile":"CN","holidays":["10/01/2026"]}}""");
        Assert.Contains("compliance.holidays[0]", invalid.Errors.Keys);

        var record = Records.Account().Build();
        var strategy = new StrategyInForce(InForce.Standard.Ref, parsed.Strategy);
        var account = new ContactDriver(record, Local(record, 4, 10), strategy);
        Assert.Empty(account.Recorded<ContactDispatchRequested>());
        Assert.Equal(Local(record, 6, 8), account.NextWake(Local(record, 4, 10)));
    }

    [Fact]
    public void A_team_contact_that_breaks_a_rule_is_recorded_as_a_violation_naming_it_and_an_allowed_one_counts_towards_the_caps()
    {
        var record = Records.Account().Build();
        var start = Local(record, 40, 10);
        var account = new ContactDriver(record, start);
        var rules = account.Strategy.Rules;

        var late = AccountLifecycle.RecordContact(account.State, ContactChannel.Call, ContactOutcome.Conversation, Local(record, 39, 22, 30), start, rules, out var refused);
        Assert.Null(late.Rejection);
        var violation = Assert.IsType<ContactViolation>(Assert.Single(late.Events));
        Assert.Equal((ContactRules.TimeWindow, ContactRules.TimeWindow), (refused!.Rule, violation.Rule));

        foreach (var minute in new[] { 0, 10, 20 })
        {
            account.Command(s => AccountLifecycle.RecordContact(s, ContactChannel.Call, ContactOutcome.Conversation, start.AddMinutes(minute), start.AddMinutes(minute), rules, out _), start.AddMinutes(minute));
        }

        var (decision, next) = AccountLifecycle.ContactPermission(account.State, ContactChannel.Call, start.AddHours(1), rules);
        Assert.Equal((false, ContactRules.EffectiveCallsPerDay), (decision.Allowed, decision.Rule));
        Assert.Equal(Local(record, 41, 8), next);
    }
}

/// <summary>A plan run: the compliance profile, the debtor's zone, the local hour the account opens at, and the days it is followed.</summary>
public sealed record PlanRun(ComplianceProfile Profile, string TimeZone, int OpenMinute, int Dpd, int Days);

public static class PlanArbitraries
{
    public static Arbitrary<PlanRun> Runs() =>
        (from profile in Gen.Elements(ComplianceProfile.CN, ComplianceProfile.US)
         from zone in Gen.Elements("UTC", "Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Sydney", "America/Havana")
         from minute in Gen.Choose(0, 24 * 60 - 1)
         from dpd in Gen.Choose(0, 6)
         from days in Gen.Choose(3, 12)
         select new PlanRun(profile, zone, minute, dpd, days))
        .ToArbitrary();
}

public sealed class ContactPlanProperties
{
    [Property(Arbitrary = [typeof(PlanArbitraries)], MaxTest = 60)]
    public void Every_planned_contact_goes_out_when_the_policy_allows_it_at_most_one_call_a_local_day_or_is_suppressed_with_a_rule(PlanRun run)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(run.TimeZone);
        var record = Records.Account().InTimeZone(run.TimeZone).DueOn(new DateOnly(2026, 3, 1)).Build();
        var rules = StrategyDocument.Default with { Compliance = new CompliancePolicy(run.Profile) };
        var strategy = new StrategyInForce(InForce.Standard.Ref, rules);
        var now = BusinessCalendar.StartOfDay(record.DueDate.AddDays(run.Dpd), zone).AddMinutes(run.OpenMinute);
        var end = now.AddDays(run.Days);
        var account = new ContactDriver(record, now, strategy);
        while (account.NextWake(now) is { } wake && wake <= end)
        {
            Assert.True(wake >= now, "a wake is never in the past");
            now = wake;
            account.WakeAt(now);
        }

        var (from, until) = ContactPolicy.Window(run.Profile);
        var history = account.History;
        foreach (var e in history.Where(e => e.Data is ContactDispatchRequested))
        {
            var dispatched = (ContactDispatchRequested)e.Data;
            var before = history.Where(h => h.Seq < e.Seq).Aggregate((AccountState?)null, (s, h) => AccountLifecycle.Apply(s, h))!;
            Assert.True(ContactPolicy.Evaluate(AccountLifecycle.ContactContextOf(before, rules), dispatched.Channel, e.At).Allowed);
            if (dispatched.Channel != ContactChannel.Letter)
            {
                Assert.InRange(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.At, zone).DateTime), from, until.Add(TimeSpan.FromTicks(-1)));
            }
        }

        var callsPerDay = account.Recorded<ContactDispatchRequested>().Where(r => r.Data.Channel == ContactChannel.Call)
            .GroupBy(r => BusinessCalendar.LocalDate(r.At, zone));
        Assert.All(callsPerDay, day => Assert.Single(day));
        Assert.All(account.Recorded<ContactSuppressed>(), s => Assert.NotEqual(ContactRules.Allowed, s.Data.Rule));
        Assert.All(account.Recorded<ContactPlanned>(), p => Assert.Contains(history, h =>
            h.Data is ContactDispatchRequested d && d.ContactId == history.First(x => x.Data == (object)p.Data).Seq
            || h.Data is ContactSuppressed s && s.ContactId == history.First(x => x.Data == (object)p.Data).Seq
            || account.State.Contacts.Planned.Any(q => q.Id == history.First(x => x.Data == (object)p.Data).Seq)));
    }
}
