using System.Globalization;
using Collections.Domain.Accounts;
using Collections.Domain.Events;
using Collections.Domain.Strategies;
using Collections.Domain.Tests.Support;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Collections.Domain.Tests.Properties;

/// <summary>
/// A timeline on which a protection is opened after <see cref="OpenAt"/> looks and closed after
/// <see cref="CloseAt"/> (never when past the last look): a dispute when <see cref="Hold"/> is null.
/// </summary>
public sealed record ProtectedTimeline(Timeline Timeline, HoldType? Hold, int OpenAt, int CloseAt)
{
    public override string ToString() => $"ProtectedTimeline {{ {Timeline}, Hold = {Hold?.ToString() ?? "(dispute)"}, OpenAt = {OpenAt}, CloseAt = {CloseAt} }}";
}

/// <summary>A debt in a currency and a plan on it: waiver per component and installments, all in whole minor units.</summary>
public sealed record PlanRun(string Currency, Balance Initial, Waiver Waive, int[] DayGaps, decimal[] Installments, int[] PaymentSplits)
{
    public AccountRecord Record =>
        Records.Account().Currency(Currency).Owing(Initial.Principal, Initial.Interest, Initial.Fees, Initial.Penalty).Build();

    public override string ToString() =>
        $"PlanRun {{ Currency = {Currency}, Initial = {Initial}, Waive = {Waive}, DayGaps = [{string.Join(", ", DayGaps)}], " +
        $"Installments = [{string.Join(", ", Installments.Select(i => i.ToString(CultureInfo.InvariantCulture)))}], PaymentSplits = [{string.Join(", ", PaymentSplits)}] }}";
}

/// <summary>
/// A promise made some minutes into a business day, due some days later with a grace, and payments at
/// fractions (per mille) of the time between the promise and a little after its deadline.
/// </summary>
public sealed record PromiseRun(string TimeZone, int MadeAtMinute, int DueInDays, int GraceDays, decimal Amount, (int PerMille, decimal Amount)[] Payments)
{
    public override string ToString() =>
        $"PromiseRun {{ TimeZone = {TimeZone}, MadeAtMinute = {MadeAtMinute}, DueInDays = {DueInDays}, GraceDays = {GraceDays}, Amount = {Amount}, " +
        $"Payments = [{string.Join(", ", Payments.Select(p => $"{p.PerMille}‰ {p.Amount.ToString(CultureInfo.InvariantCulture)}"))}] }}";
}

public static class NegotiationArbitraries
{
    private static readonly string[] TimeZones =
        ["UTC", "Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Sydney", "America/Havana", "America/Santiago"];

    private static readonly (string Code, int MinorUnits)[] CurrenciesWithMinorUnits = [("CNY", 2), ("USD", 2), ("JPY", 0), ("KWD", 3)];

    public static Arbitrary<ProtectedTimeline> ProtectedTimelines() =>
        (from timeline in DomainArbitraries.Timelines().Generator
         from hold in Gen.Frequency((2, Gen.Constant<HoldType?>(null)), (5, Gen.Elements(Enum.GetValues<HoldType>()).Select(h => (HoldType?)h)))
         from openAt in Gen.Choose(0, Math.Max(0, timeline.StepMinutes.Length - 1))
         from length in Gen.Choose(0, timeline.StepMinutes.Length + 1)
         select new ProtectedTimeline(timeline, hold, openAt, openAt + length))
        .ToArbitrary();

    public static Arbitrary<PlanRun> PlanRuns() =>
        (from currency in Gen.Elements(CurrenciesWithMinorUnits)
         let scale = Pow10(currency.MinorUnits)
         from principal in Gen.Choose(1_000, 5_000_000)
         from interest in Gen.Choose(0, 500_000)
         from fees in Gen.Choose(0, 100_000)
         from penalty in Gen.Choose(0, 100_000)
         from waivedPerMille in Gen.ArrayOf(Gen.Choose(0, 1000), 3)
         from count in Gen.Choose(1, 12)
         from weights in Gen.ArrayOf(Gen.Choose(1, 100), count)
         from gaps in Gen.ArrayOf(Gen.Choose(1, 40), count)
         from splits in Gen.ArrayOf(Gen.Choose(1, 3), count)
         let waive = new Waiver(interest * waivedPerMille[0] / 1000 / scale, fees * waivedPerMille[1] / 1000 / scale, penalty * waivedPerMille[2] / 1000 / scale)
         let initial = new Balance(principal / scale, interest / scale, fees / scale, penalty / scale)
         select new PlanRun(currency.Code, initial, waive, gaps, Split((initial.Total - waive.Total) * scale, weights).Select(units => units / scale).ToArray(), splits))
        .ToArbitrary();

    public static Arbitrary<PromiseRun> PromiseRuns() =>
        (from zone in Gen.Elements(TimeZones)
         from minute in Gen.Choose(0, (24 * 60) - 1)
         from dueIn in Gen.Choose(0, 30)
         from grace in Gen.Choose(0, 5)
         from amount in Gen.Choose(1, 50_000)
         from payments in Gen.ArrayOf(
             from perMille in Gen.Choose(0, 1100)
             from units in Gen.Choose(1, 20_000)
             select (perMille, units / 100m))
         select new PromiseRun(zone, minute, dueIn, grace, amount / 100m, payments))
        .ToArbitrary();

    /// <summary>Splits a whole number of units into parts by weight, each at least one unit, summing exactly.</summary>
    private static decimal[] Split(decimal units, int[] weights)
    {
        var count = (int)Math.Min(weights.Length, units);
        var total = weights.Take(count).Sum();
        var parts = weights.Take(count).Select(w => Math.Max(1, decimal.Floor(units * w / total))).ToArray();
        var excess = parts.Sum() - units;
        for (var i = parts.Length - 1; excess != 0 && i >= 0; i--)
        {
            var change = excess > 0 ? Math.Min(excess, parts[i] - 1) : excess;
            parts[i] -= change;
            excess -= change;
        }

        return parts;
    }

    private static decimal Pow10(int digits) => digits switch
    {
        0 => 1m,
        2 => 100m,
        3 => 1000m,
        _ => throw new ArgumentOutOfRangeException(nameof(digits)),
    };
}

public class NegotiationProperties
{
    [Property(Arbitrary = [typeof(DomainArbitraries), typeof(NegotiationArbitraries)])]
    public void No_collection_action_is_scheduled_or_taken_while_a_dispute_or_a_hold_that_stops_it_is_open(ProtectedTimeline run)
    {
        var account = run.Timeline.Import();
        var stops = run.Hold is { } type ? HoldRules.Stops(type) : HoldRules.DisputeStops;
        var open = false;
        var look = 0;
        foreach (var at in run.Timeline.Looks)
        {
            if (look == run.OpenAt && account.State.Status == AccountStatus.Active)
            {
                var opened = run.Hold is { } hold ? account.PlaceHold(hold, at) : account.OpenDispute("disputed", at);
                Assert.Null(opened.Rejection);
                open = true;
            }
            else if (look == run.CloseAt && open)
            {
                var closed = run.Hold is { } hold ? account.ReleaseHold(hold, at) : account.ResolveDispute(DisputeOutcome.Verified, at);
                Assert.Null(closed.Rejection);
                open = false;
                Assert.Equal(run.Timeline.Stages.StageAt(account.State.DaysPastDue(at)), account.State.Stage);
            }

            var stage = account.State.Stage;
            var advanced = account.AdvanceTo(at).Events;
            if (open && stops.HasFlag(CollectionActivities.Escalation))
            {
                Assert.Empty(advanced.OfType<StageEntered>());
                Assert.Equal(stage, account.State.Stage);
                Assert.Null(account.NextWake());
                Assert.NotNull(AccountLifecycle.StoppedBy(account.State, CollectionActivities.Escalation));
            }
            else
            {
                Assert.Equal(run.Timeline.Stages.StageAt(account.State.DaysPastDue(at)), account.State.Stage);
            }

            foreach (var activity in new[] { CollectionActivities.Contact, CollectionActivities.Placement, CollectionActivities.Litigation, CollectionActivities.Negotiation })
            {
                Assert.Equal(open && stops.HasFlag(activity), AccountLifecycle.StoppedBy(account.State, activity) is not null);
            }

            look++;
        }
    }

    [Property(Arbitrary = [typeof(NegotiationArbitraries)])]
    public void Plan_arithmetic_conserves_money_from_submission_to_completion(PlanRun run)
    {
        var record = run.Record;
        var account = AccountHarness.Opened(record, record.AtDpd(10));
        var submittedAt = record.AtDpd(10);
        var dueDates = new List<DateOnly>();
        var date = record.DueDate.AddDays(10);
        foreach (var gap in run.DayGaps.Take(run.Installments.Length))
        {
            date = date.AddDays(gap);
            dueDates.Add(date);
        }

        var terms = new PlanTerms([.. run.Installments.Select((amount, i) => new PlanInstallment(dueDates[i], amount))], run.Waive);
        var submitted = account.SubmitPlan(terms, submittedAt);
        var limits = StrategyDocument.Default.Negotiation;
        if (run.Waive.Total * 100 > limits.MaxWaiverPercent * run.Initial.Total)
        {
            Assert.Equal(RejectionKind.Unprocessable, submitted.Rejection?.Kind);
            Assert.True(submitted.IsEmpty);
            Assert.Null(account.State.Plan);
            return;
        }

        Assert.Null(submitted.Rejection);
        var plan = Assert.IsType<PlanSubmitted>(Assert.Single(submitted.Commanded));
        Assert.Equal(plan.Balance, plan.Terms.Total + plan.Terms.Waive.Total);
        Assert.Equal(run.Initial.Total, plan.Balance);
        if (plan.Status == ApprovalStatus.PendingApproval)
        {
            account.ApprovePlan(submittedAt);
        }

        var minor = Currencies.MinorUnits(run.Currency)!.Value;
        var paymentNo = 0;
        for (var i = 0; i < terms.Installments.Length; i++)
        {
            // Each installment paid on its due date, in one to three payments.
            var installment = terms.Installments[i];
            var remaining = installment.Amount;
            for (var part = run.PaymentSplits[i]; part > 0 && remaining > 0; part--)
            {
                var amount = part == 1 ? remaining : decimal.Round(remaining / part, minor, MidpointRounding.ToZero);
                if (amount <= 0)
                {
                    continue;
                }

                account.Payment($"P{paymentNo++}", amount, record.AtDpd(installment.DueDate.DayNumber - record.DueDate.DayNumber));
                remaining -= amount;
                var balance = account.State.Balance;
                Assert.True(balance is { Principal: >= 0, Interest: >= 0, Fees: >= 0, Penalty: >= 0 }, $"{balance} has a negative component");
            }

            Assert.Equal(i == terms.Installments.Length - 1 ? AccountStatus.Closed : AccountStatus.Active, account.State.Status);
        }

        var completed = Assert.Single(account.Recorded<PlanCompleted>());
        Assert.Empty(account.Recorded<PlanBroken>());
        Assert.Equal(ClosedReason.Paid, account.State.ClosedReason);
        Assert.Equal(Balance.Zero, account.State.Balance);
        Assert.Equal(plan.Terms.Total, completed.Paid);
        Assert.Equal(plan.Terms.Waive.Total, completed.Forgiven.Total);
        Assert.Equal(plan.Balance, account.State.Collected + account.State.Forgiven);
    }

    [Property(Arbitrary = [typeof(NegotiationArbitraries)])]
    public void A_promise_is_decided_exactly_when_its_due_date_plus_grace_ends_kept_if_and_only_if_paid_by_then(PromiseRun run)
    {
        var rules = StrategyDocument.Default with { Negotiation = StrategyDocument.Default.Negotiation with { PromiseGraceDays = run.GraceDays } };
        var strategy = new StrategyInForce(new StrategyRef("grace", 1, StrategyVariant.Champion), rules);
        var record = Records.Account().InTimeZone(run.TimeZone).Owing(100_000m).Build();
        var madeAt = record.AtDpd(10, localHour: 0).AddMinutes(run.MadeAtMinute);
        var account = AccountHarness.Opened(record, madeAt, strategy);
        var dueDate = BusinessCalendar.LocalDate(madeAt, account.State.Zone).AddDays(run.DueInDays);
        Assert.Null(account.Promise(run.Amount, dueDate, madeAt).Rejection);

        var deadline = BusinessCalendar.StartOfDay(dueDate.AddDays(run.GraceDays + 1), account.State.Zone);
        Assert.Equal(deadline, account.NextWake()!.At);

        var paidInTime = 0m;
        var window = (deadline - madeAt).Ticks;
        var n = 0;
        foreach (var (perMille, amount) in run.Payments.Where(p => p.PerMille < 1000).OrderBy(p => p.PerMille))
        {
            var at = madeAt.AddTicks(window / 1000 * perMille);
            var paid = account.Payment($"P{n++}", amount, at);
            Assert.Empty(paid.Due.Where(e => e is PromiseKept or PromiseBroken));
            paidInTime += amount;
        }

        Assert.Empty(account.AdvanceTo(deadline.AddTicks(-1)).Events);
        Assert.NotNull(account.State.Promise);

        var decided = account.AdvanceTo(deadline).Events;
        var decision = Assert.Single(decided, e => e is PromiseKept or PromiseBroken);
        Assert.Equal(paidInTime >= run.Amount, decision is PromiseKept);
        Assert.Null(account.State.Promise);
        Assert.Empty(account.AdvanceTo(deadline.AddDays(1)).Events.Where(e => e is PromiseKept or PromiseBroken));
    }
}
