using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Portal;

namespace Collections.Host.Portal;

/// <summary>What the debtor's page shows after the knowledge check: their accounts at the lender, in their language.</summary>
public sealed record PortalPage(string Language, IReadOnlyList<PortalAccount> Accounts);

/// <summary>
/// One of the debtor's accounts: what is owed item by item, since when, what happens next if nothing is paid and
/// when, what is already arranged, and what the debtor may do alone with its limits. Nothing about the person
/// (no name, phone or address): the page shows the debt, and the person already knows who they are.
/// </summary>
public sealed record PortalAccount(
    string AccountRef,
    Product Product,
    string Currency,
    BalanceView Owed,
    decimal Arrears,
    DateOnly OverdueSince,
    int DaysPastDue,
    Stage? Stage,
    PortalNextStep? Next,
    string? EscalationHeldBy,
    PortalArranged Arranged,
    PortalActions Actions);

/// <summary>The stage the account enters on <see cref="On"/> if nothing is paid.</summary>
public sealed record PortalNextStep(Stage Stage, DateOnly On);

/// <summary>What is in place on the account now.</summary>
public sealed record PortalArranged(
    PromiseView? Promise,
    PlanView? Plan,
    SettlementView? Settlement,
    string? DisputeReason,
    IReadOnlyList<HoldType> Holds,
    CallbackWindow? Callback);

/// <summary>What the debtor may do alone (the account still decides: a refusal says why).</summary>
public sealed record PortalActions(
    PromiseAction Promise,
    PlanAction Plan,
    SettlementAction Settlement,
    PortalAction Dispute,
    PortalAction Hardship,
    CallbackAction Callback,
    PayNowAction PayNow);

/// <summary>An action without limits of its own; <see cref="Reason"/> says why it is not allowed now.</summary>
public sealed record PortalAction(bool Allowed, string? Reason);

/// <summary>A promise to pay by <see cref="LatestDueDate"/> at the latest.</summary>
public sealed record PromiseAction(bool Allowed, string? Reason, DateOnly LatestDueDate);

/// <summary>
/// A plan of at most <see cref="MaxInstallments"/> installments; a waiver up to <see cref="MaxWaiverPercent"/> of
/// the balance, above <see cref="ApprovalAboveWaiverPercent"/> it waits for the lender.
/// </summary>
public sealed record PlanAction(bool Allowed, string? Reason, int MaxInstallments, decimal MaxWaiverPercent, decimal ApprovalAboveWaiverPercent);

/// <summary>The settlement the lender published for the account: paying <see cref="Amount"/> by <see cref="ExpiresOn"/> settles it.</summary>
public sealed record SettlementAction(bool Allowed, string? Reason, decimal? Amount, DateOnly? ExpiresOn);

/// <summary>A call-back window: <see cref="MinMinutes"/> to <see cref="MaxHours"/> long, starting within <see cref="MaxDaysAhead"/> days.</summary>
public sealed record CallbackAction(bool Allowed, string? Reason, int MinMinutes, int MaxHours, int MaxDaysAhead);

/// <summary>Pay now through the lender's payment provider: the arrears, the balance, or another amount up to it.</summary>
public sealed record PayNowAction(bool Allowed, string? Reason, decimal Arrears, decimal Balance, IReadOnlyList<PaymentPurpose> Purposes);

/// <summary>Builds <see cref="PortalAccount"/> from what the account tells (<see cref="PortalFacts"/>).</summary>
public static class PortalAccounts
{
    public static PortalAccount From(PortalFacts facts)
    {
        var view = facts.View;
        var negotiation = facts.Negotiation;
        var closed = view.Status != AccountStatus.Active ? "the account is closed" : null;
        var disputed = view.Dispute is not null ? "a dispute is open: collection waits for its answer" : null;
        var arranged = view.Promise is not null ? "a promise is open"
            : view.Plan is not null ? "a plan is in place"
            : view.Settlement is { Status: ApprovalStatus.Active } ? "a settlement is in place"
            : null;
        var tooManyBroken = view.PromisesBroken >= negotiation.MaxBrokenPromises ? "too many promises were broken: please talk to your lender" : null;
        var settlement = view.Settlement is { Status: ApprovalStatus.Active } offer ? offer : null;
        var ceased = view.Holds.Any(h => h.Type == HoldType.CeaseCommunication) ? "you asked not to be contacted" : null;
        var hardship = view.Holds.Any(h => h.Type == HoldType.Hardship) ? "your financial difficulty is already being reviewed" : null;
        return new PortalAccount(
            view.AccountRef,
            view.Product,
            view.Currency,
            view.Balance,
            view.Arrears,
            view.DueDate,
            view.DaysPastDue,
            view.Stage,
            facts.NextStage is { } next && facts.NextStageOn is { } on ? new PortalNextStep(next, on) : null,
            view.EscalationHeldBy,
            new PortalArranged(view.Promise, view.Plan, view.Settlement, view.Dispute?.Reason, [.. view.Holds.Select(h => h.Type)], facts.Callback),
            new PortalActions(
                new PromiseAction(Allowed(closed ?? disputed ?? arranged ?? tooManyBroken, out var promise), promise, facts.Today.AddDays(negotiation.MaxPromiseDays)),
                new PlanAction(Allowed(closed ?? disputed ?? arranged, out var plan), plan, negotiation.MaxInstallments, negotiation.MaxWaiverPercent, negotiation.ApprovalAboveWaiverPercent),
                new SettlementAction(
                    Allowed(closed ?? (settlement is null ? "your lender has not published a settlement for this account" : null), out var settle), settle,
                    settlement is null ? null : settlement.Amount - settlement.Paid, settlement?.ExpiresOn),
                new PortalAction(Allowed(closed ?? (view.Dispute is not null ? "a dispute is already open" : null), out var dispute), dispute),
                new PortalAction(Allowed(closed ?? hardship, out var difficulty), difficulty),
                new CallbackAction(Allowed(closed ?? ceased, out var callback), callback,
                    (int)PortalRules.MinCallbackWindow.TotalMinutes, (int)PortalRules.MaxCallbackWindow.TotalHours, PortalRules.MaxCallbackDaysAhead),
                new PayNowAction(Allowed(closed, out var pay), pay, view.Arrears, view.Balance.Total,
                    settlement is null ? [PaymentPurpose.Arrears, PaymentPurpose.Balance, PaymentPurpose.Other] : Enum.GetValues<PaymentPurpose>())));
    }

    private static bool Allowed(string? refusal, out string? reason)
    {
        reason = refusal;
        return refusal is null;
    }
}
