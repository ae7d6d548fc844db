using System.Globalization;
using Collections.Domain.Events;
using Collections.Domain.Strategies;

namespace Collections.Domain.Accounts;

/// <summary>
/// Negotiation: promises to pay, payment plans and settlements, each within the strategy's limits.
/// Checks run in the order of the status they answer with: the input itself (Invalid), then the
/// account (Conflict), then the strategy's limits (Unprocessable). At most one arrangement is open.
/// </summary>
public static partial class AccountLifecycle
{
    /// <summary>The debtor promises to pay an amount by a date; the wake decides it when date + grace ends.</summary>
    public static Decision MakePromise(AccountState state, decimal amount, DateOnly dueDate, DateTimeOffset now, Strategy rules)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "a promise");
        }

        var policy = rules.Negotiation;
        var today = BusinessCalendar.LocalDate(now, state.Zone);
        if (InvalidAmount(state, amount, "amount") is { } invalid)
        {
            return invalid;
        }

        if (amount > state.Balance.Total)
        {
            return Decision.Reject(RejectionKind.Invalid, $"amount {Money(amount)} is more than the balance {Money(state.Balance.Total)}");
        }

        if (dueDate < today)
        {
            return Decision.Reject(RejectionKind.Invalid, $"dueDate {BusinessCalendar.Iso(dueDate)} is in the past (today is {BusinessCalendar.Iso(today)} in the debtor's time zone)");
        }

        if (NegotiationConflict(state, "a promise") is { } conflict)
        {
            return conflict;
        }

        if (state.PromisesBroken >= policy.MaxBrokenPromises)
        {
            return Decision.Reject(RejectionKind.Conflict,
                $"no new promises: {state.PromisesBroken} promises were broken and the strategy allows at most {policy.MaxBrokenPromises} (maxBrokenPromises); offer a plan or a settlement instead");
        }

        if (dueDate > today.AddDays(policy.MaxPromiseDays))
        {
            return Decision.Reject(RejectionKind.Unprocessable,
                $"dueDate {BusinessCalendar.Iso(dueDate)} is more than {policy.MaxPromiseDays} days ahead (maxPromiseDays); a later date needs a payment plan");
        }

        if (!BusinessCalendar.Accepts(dueDate))
        {
            return OutOfRange("dueDate", dueDate);
        }

        return new Decision([new PromiseMade(amount, dueDate, policy.PromiseGraceDays)]);
    }

    /// <summary>
    /// A payment plan: installments that, with the waiver, make up the balance exactly. Active at once
    /// when its waiver is within <see cref="NegotiationPolicy.ApprovalAboveWaiverPercent"/>, else pending
    /// the lender's approval; refused above <see cref="NegotiationPolicy.MaxWaiverPercent"/> or
    /// <see cref="NegotiationPolicy.MaxInstallments"/>. <paramref name="requiresApproval"/> makes it wait
    /// for the lender even within the limit (an agency's proposal).
    /// </summary>
    public static Decision SubmitPlan(AccountState state, PlanTerms terms, DateTimeOffset now, Strategy rules, bool requiresApproval = false)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "a plan");
        }

        var policy = rules.Negotiation;
        var today = BusinessCalendar.LocalDate(now, state.Zone);
        if (terms.Installments.IsDefaultOrEmpty)
        {
            return Decision.Reject(RejectionKind.Invalid, "installments must list at least one {dueDate, amount}");
        }

        var waive = terms.Waive ?? Waiver.None;
        for (var i = 0; i < terms.Installments.Length; i++)
        {
            var installment = terms.Installments[i];
            if (InvalidAmount(state, installment.Amount, $"installments[{i}].amount") is { } invalid)
            {
                return invalid;
            }

            if (!BusinessCalendar.Accepts(installment.DueDate))
            {
                return OutOfRange($"installments[{i}].dueDate", installment.DueDate);
            }

            if (i == 0 && installment.DueDate < today)
            {
                return Decision.Reject(RejectionKind.Invalid, $"installments[0].dueDate {BusinessCalendar.Iso(installment.DueDate)} is in the past (today is {BusinessCalendar.Iso(today)} in the debtor's time zone)");
            }

            if (i > 0 && installment.DueDate <= terms.Installments[i - 1].DueDate)
            {
                return Decision.Reject(RejectionKind.Invalid, $"installments[{i}].dueDate must be after installments[{i - 1}].dueDate: installments are listed in date order, one per date");
            }
        }

        foreach (var (name, waived, owed) in new[] { ("interest", waive.Interest, state.Balance.Interest), ("fees", waive.Fees, state.Balance.Fees), ("penalty", waive.Penalty, state.Balance.Penalty) })
        {
            if (waived < 0 || !Currencies.FitsMinorUnits(waived, MinorUnits(state)))
            {
                return Decision.Reject(RejectionKind.Invalid, $"waive.{name} must be 0 or more with at most {MinorUnits(state)} decimals");
            }

            if (waived > owed)
            {
                return Decision.Reject(RejectionKind.Invalid, $"waive.{name} {Money(waived)} is more than the {name} owed ({Money(owed)})");
            }
        }

        var balance = state.Balance.Total;
        if (terms.Total + waive.Total != balance)
        {
            return Decision.Reject(RejectionKind.Invalid,
                $"the installments add up to {Money(terms.Total)} and the waiver to {Money(waive.Total)}: together they must make up the balance {Money(balance)} exactly (installments must total {Money(balance - waive.Total)})");
        }

        if (NegotiationConflict(state, "a plan") is { } conflict)
        {
            return conflict;
        }

        if (terms.Installments.Length > policy.MaxInstallments)
        {
            return Decision.Reject(RejectionKind.Unprocessable,
                $"{terms.Installments.Length} installments is more than the strategy allows (maxInstallments {policy.MaxInstallments})");
        }

        if (waive.Total * 100 > policy.MaxWaiverPercent * balance)
        {
            return Decision.Reject(RejectionKind.Unprocessable,
                $"the waiver of {Money(waive.Total)} is {Percent(waive.Total, balance)}% of the balance, above the strategy's limit (maxWaiverPercent {Money(policy.MaxWaiverPercent)}%)");
        }

        var status = requiresApproval || waive.Total * 100 > policy.ApprovalAboveWaiverPercent * balance ? ApprovalStatus.PendingApproval : ApprovalStatus.Active;
        return new Decision([new PlanSubmitted(terms with { Waive = waive }, status, policy.PromiseGraceDays, balance, Percent(waive.Total, balance))]);
    }

    /// <summary>
    /// The lender approves the pending plan; if it is already paid, it completes at once. Maker–checker:
    /// <paramref name="approver"/> may not be the actor that submitted it.
    /// </summary>
    public static Decision ApprovePlan(AccountState state, string approver)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "an approval");
        }

        if (state.Plan is not { Status: ApprovalStatus.PendingApproval } plan)
        {
            return Decision.Reject(RejectionKind.Conflict, state.Plan is null ? "no plan is pending approval" : "the plan is already active; only a pending plan can be approved");
        }

        if (plan.SubmittedBy == approver)
        {
            return SelfApproval("plan");
        }

        if (StoppedBy(state, CollectionActivities.Negotiation) is { } stop)
        {
            return Decision.Reject(RejectionKind.Conflict, $"negotiation is stopped by {DescribeStop(stop)}");
        }

        if (plan.Paid < plan.Terms.Total)
        {
            return new Decision([new PlanApproved()]);
        }

        var pending = new Pending(state, DateTimeOffset.MinValue);
        pending.Add(new PlanApproved());
        pending.Add(new PlanCompleted(plan.Paid, state.Balance));
        CloseWith(pending, ClosedReason.Paid);
        return new Decision(pending.Events);
    }

    /// <summary>
    /// An offer to close the account for less than the balance (at least
    /// <see cref="NegotiationPolicy.MinSettlementPercent"/> of it) paid by the end of its expiry date;
    /// pending approval when it forgives more than <see cref="NegotiationPolicy.ApprovalAboveWaiverPercent"/>,
    /// or whenever <paramref name="requiresApproval"/> (an agency's offer).
    /// </summary>
    public static Decision OfferSettlement(AccountState state, decimal amount, DateOnly expiresOn, DateTimeOffset now, Strategy rules, bool requiresApproval = false)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "a settlement");
        }

        var policy = rules.Negotiation;
        var today = BusinessCalendar.LocalDate(now, state.Zone);
        var balance = state.Balance.Total;
        if (InvalidAmount(state, amount, "amount") is { } invalid)
        {
            return invalid;
        }

        if (amount >= balance)
        {
            return Decision.Reject(RejectionKind.Invalid,
                $"a settlement is an amount below the balance ({Money(balance)}); {Money(amount)} is not — the whole balance needs no settlement");
        }

        if (expiresOn < today)
        {
            return Decision.Reject(RejectionKind.Invalid, $"expiresOn {BusinessCalendar.Iso(expiresOn)} is in the past (today is {BusinessCalendar.Iso(today)} in the debtor's time zone)");
        }

        if (NegotiationConflict(state, "a settlement") is { } conflict)
        {
            return conflict;
        }

        if (amount * 100 < policy.MinSettlementPercent * balance)
        {
            return Decision.Reject(RejectionKind.Unprocessable,
                $"{Money(amount)} is {Percent(amount, balance)}% of the balance {Money(balance)}, below the strategy's minimum (minSettlementPercent {Money(policy.MinSettlementPercent)}%)");
        }

        if (expiresOn > today.AddDays(policy.MaxPromiseDays))
        {
            return Decision.Reject(RejectionKind.Unprocessable,
                $"expiresOn {BusinessCalendar.Iso(expiresOn)} is more than {policy.MaxPromiseDays} days ahead (maxPromiseDays)");
        }

        if (!BusinessCalendar.Accepts(expiresOn))
        {
            return OutOfRange("expiresOn", expiresOn);
        }

        var forgiven = balance - amount;
        var status = requiresApproval || forgiven * 100 > policy.ApprovalAboveWaiverPercent * balance ? ApprovalStatus.PendingApproval : ApprovalStatus.Active;
        return new Decision([new SettlementOffered(amount, expiresOn, status, balance, Percent(forgiven, balance))]);
    }

    /// <summary>
    /// The lender approves the pending settlement; if it is already paid, the account closes as Settled at
    /// once. Maker–checker: <paramref name="approver"/> may not be the actor that offered it.
    /// </summary>
    public static Decision ApproveSettlement(AccountState state, string approver)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "an approval");
        }

        if (state.Settlement is not { Status: ApprovalStatus.PendingApproval } offer)
        {
            return Decision.Reject(RejectionKind.Conflict, state.Settlement is null ? "no settlement is pending approval" : "the settlement is already active; only a pending one can be approved");
        }

        if (offer.SubmittedBy == approver)
        {
            return SelfApproval("settlement");
        }

        if (StoppedBy(state, CollectionActivities.Negotiation) is { } stop)
        {
            return Decision.Reject(RejectionKind.Conflict, $"negotiation is stopped by {DescribeStop(stop)}");
        }

        if (offer.Paid < offer.Amount)
        {
            return new Decision([new SettlementApproved()]);
        }

        var pending = new Pending(state, DateTimeOffset.MinValue);
        pending.Add(new SettlementApproved());
        pending.Add(new SettlementPaid(offer.Amount, offer.Paid, state.Balance));
        CloseWith(pending, ClosedReason.Settled);
        return new Decision(pending.Events);
    }

    /// <summary>The longest reason a lender may give for declining a plan or settlement.</summary>
    public const int MaxDeclineReasonLength = 500;

    /// <summary>
    /// The lender declines the plan pending approval, saying why: it is dropped as if it had lapsed (escalation
    /// never waited for it) and a new arrangement may be made. Maker–checker as for approving: deciding is the
    /// checker's, so <paramref name="decider"/> may not be the actor that submitted it.
    /// </summary>
    public static Decision DeclinePlan(AccountState state, string decider, string reason) =>
        Decline(state, "plan", state.Plan?.Status, state.Plan?.SubmittedBy, decider, reason) ?? new Decision([new PlanDeclined(reason.Trim())]);

    /// <summary>The lender declines the settlement pending approval, saying why; as <see cref="DeclinePlan"/>.</summary>
    public static Decision DeclineSettlement(AccountState state, string decider, string reason) =>
        Decline(state, "settlement", state.Settlement?.Status, state.Settlement?.SubmittedBy, decider, reason) ?? new Decision([new SettlementDeclined(reason.Trim())]);

    /// <summary>Why the pending <paramref name="what"/> may not be declined, or null when it may.</summary>
    private static Decision? Decline(AccountState state, string what, ApprovalStatus? status, string? submittedBy, string decider, string reason)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "a decline");
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > MaxDeclineReasonLength)
        {
            return Decision.Reject(RejectionKind.Invalid, $"reason is required: 1–{MaxDeclineReasonLength} characters saying why the {what} is declined");
        }

        if (status != ApprovalStatus.PendingApproval)
        {
            return Decision.Reject(RejectionKind.Conflict, status is null ? $"no {what} is pending approval" : $"the {what} is already active; only a pending {what} can be declined");
        }

        return submittedBy == decider
            ? Decision.Reject(RejectionKind.Forbidden, $"the {what} was submitted with this API key; maker–checker: another key of the lender (or an admin) must decide it")
            : null;
    }

    /// <summary>Why no new arrangement may be made now, or null: the account is closed, collection is stopped, or one is open.</summary>
    private static Decision? NegotiationConflict(AccountState state, string what)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, what);
        }

        if (StoppedBy(state, CollectionActivities.Negotiation) is { } stop)
        {
            return Decision.Reject(RejectionKind.Conflict, $"negotiation is stopped by {DescribeStop(stop)}");
        }

        var open = state switch
        {
            { Promise: { } promise } => $"a promise of {Money(promise.Amount)} due {BusinessCalendar.Iso(promise.DueDate)} is open until {BusinessCalendar.Iso(promise.LastDay)} ends",
            { Plan: { Status: ApprovalStatus.Active } } => "a payment plan is in force",
            { Plan: { Status: ApprovalStatus.PendingApproval } } => "a payment plan is pending approval",
            { Settlement: { } offer } => $"a settlement of {Money(offer.Amount)} is {(offer.Status == ApprovalStatus.Active ? "open" : "pending approval")} until {BusinessCalendar.Iso(offer.ExpiresOn)}",
            _ => null,
        };
        return open is null ? null : Decision.Reject(RejectionKind.Conflict, $"{open}; {what} can be made once it is decided");
    }

    private static Decision? InvalidAmount(AccountState state, decimal amount, string field)
    {
        var minorUnits = MinorUnits(state);
        return amount <= 0 || amount > AccountRecordParser.MaxAmount || !Currencies.FitsMinorUnits(amount, minorUnits)
            ? Decision.Reject(RejectionKind.Invalid, $"{field} must be greater than 0 with at most {minorUnits} decimals ({state.Record.Currency})")
            : null;
    }

    private static Decision OutOfRange(string field, DateOnly date) =>
        Decision.Reject(RejectionKind.Invalid, $"{field} {BusinessCalendar.Iso(date)} is out of range: dates must be {BusinessCalendar.AcceptedRange}");

    private static int MinorUnits(AccountState state) => Currencies.MinorUnits(state.Record.Currency) ?? 2;

    private static string Money(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    /// <summary><paramref name="part"/> as a percentage of <paramref name="whole"/>, to two decimals (for records and messages; limits compare exactly).</summary>
    private static decimal Percent(decimal part, decimal whole) => whole == 0 ? 0 : decimal.Round(part * 100 / whole, 2);

    private static Decision SelfApproval(string what) =>
        Decision.Reject(RejectionKind.Forbidden,
            $"the {what} was submitted with this API key; maker–checker: another key of the lender (or an admin) must approve it");
}
