using Collections.Domain.Events;
using Collections.Domain.Strategies;

namespace Collections.Domain.Accounts;

/// <summary>
/// Treatment by risk: the strategy's first segment whose bounds hold the account's days past due, balance,
/// score and product decides the rules it follows (<see cref="Effective"/>); a change of segment is recorded
/// (<c>SegmentChanged</c>) when a record, a payment or a wake moves the account across a bound, and applies at
/// once. Legal is for accounts worth suing: a strategy or segment may turn it off or set a minimum balance.
/// </summary>
public static partial class AccountLifecycle
{
    /// <summary>The rules the account follows: its segment's sections and its product's thresholds over <paramref name="rules"/>.</summary>
    public static Strategy Effective(AccountState state, Strategy rules) => rules.Resolve(state.Segment, state.Record.Product);

    /// <summary>The segment the account belongs to at <paramref name="now"/> under <paramref name="rules"/>, or null for none.</summary>
    public static string? SegmentAt(AccountState state, DateTimeOffset now, Strategy rules) =>
        rules.Segments.IsEmpty ? null : rules.SegmentFor(Math.Max(0, state.DaysPastDue(now)), state.Balance.Total, state.Record.Score, state.Record.Product)?.Name;

    /// <summary>The change of segment the account's figures call for at <paramref name="now"/>, or null when it is where it belongs.</summary>
    public static SegmentChanged? SegmentChange(AccountState state, DateTimeOffset now, Strategy rules)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return null;
        }

        var to = SegmentAt(state, now, rules);
        return to == state.Segment
            ? null
            : new SegmentChanged(state.Segment, to, Math.Max(0, state.DaysPastDue(now)), state.Balance.Total, state.Record.Score);
    }

    /// <summary>
    /// When the account must wake to change segment as its days past due grow: the first later day on which
    /// a segment's DPD bound gives another segment than the current one (balance, score and product change
    /// only with a record or a payment, which re-segment on their own); now, if it is not where it belongs.
    /// </summary>
    public static Wake? SegmentWake(AccountState state, Strategy rules, DateTimeOffset now)
    {
        if (state.Status == AccountStatus.Closed || rules.Segments.IsEmpty)
        {
            return null;
        }

        if (SegmentAt(state, now, rules) != state.Segment)
        {
            return new Wake(now, "change segment");
        }

        var dpd = Math.Max(0, state.DaysPastDue(now));
        foreach (var edge in rules.Segments.SelectMany(s => s.When.DpdEdges()).Where(e => e > dpd).Distinct().Order())
        {
            var at = rules.SegmentFor(edge, state.Balance.Total, state.Record.Score, state.Record.Product)?.Name;
            if (at != state.Segment)
            {
                return new Wake(BusinessCalendar.StartOfDay(state.Record.DueDate.AddDays(edge), state.Zone), $"enter segment {at ?? "(none)"}");
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the account may be referred for litigation: Legal is enabled and the balance reaches its
    /// minimum. One that may not stays in Mid (and with its agency) until it is charged off.
    /// </summary>
    public static bool LegalAllowed(AccountState state, Strategy effective) =>
        effective.Legal.Enabled && state.Balance.Total >= effective.Legal.MinBalance;

    /// <summary>
    /// An account referred for litigation or charged off owes its whole balance: paying the arrears does not
    /// cure it, it stays open until paid in full or settled.
    /// </summary>
    public static bool PaidArrearsKeepOpen(AccountState state) => state.Stage is Stage.Legal or Stage.ChargedOff;

    /// <summary>The stage the account enters next under <paramref name="effective"/>: Legal is passed over when not allowed.</summary>
    private static Stage? NextStageFor(AccountState state, Strategy effective) =>
        NextStage(state.Stage) is Stage.Legal && !LegalAllowed(state, effective) ? Stage.ChargedOff : NextStage(state.Stage);

    private static void Resegment(Pending pending, DateTimeOffset now, Strategy rules)
    {
        if (SegmentChange(pending.State, now, rules) is { } changed)
        {
            pending.Add(changed);
        }
    }
}
