using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;

namespace Collections.Grains.Accounts;

/// <summary>The negotiation, dispute, hold and litigation parts of <see cref="AccountView"/>, from the account's state.</summary>
internal static class AccountViews
{
    public static HoldView Hold(Hold hold) =>
        new(hold.Type, hold.Note, hold.PlacedAt,
            [.. Enum.GetValues<CollectionActivities>().Where(a => IsSingle(a) && HoldRules.Stops(hold.Type).HasFlag(a)).Select(a => a.ToString())]);

    public static DisputeView? Dispute(AccountState account) =>
        account.Dispute is { } dispute
            ? new DisputeView(dispute.Reason, dispute.OpenedAt, account.FirstNoticeAt, dispute.ValidationWindowEndsOn, dispute.WithinValidationWindow)
            : null;

    public static PromiseView? Promise(AccountState account) =>
        account.Promise is { } promise
            ? new PromiseView(promise.Amount, promise.DueDate, promise.LastDay, BusinessCalendar.EndOfDay(promise.LastDay, account.Zone), promise.Paid, promise.MadeAt)
            : null;

    public static PlanView? Plan(AccountState account)
    {
        if (account.Plan is not { } plan)
        {
            return null;
        }

        // The payments so far cover the installments in date order.
        var unallocated = plan.Paid;
        var installments = plan.Terms.Installments.Select(i =>
        {
            var covered = Math.Min(i.Amount, unallocated);
            unallocated -= covered;
            return new InstallmentView(i.DueDate, i.Amount, covered);
        }).ToList();
        var waive = plan.Terms.Waive;
        return new PlanView(
            plan.Status,
            [.. installments],
            new WaiverView(waive.Interest, waive.Fees, waive.Penalty, waive.Total),
            plan.Terms.Total,
            plan.Paid,
            Math.Max(0, plan.Terms.Total - plan.Paid),
            plan.FirstUnmet()?.Installment.DueDate,
            plan.SubmittedAt,
            plan.GraceDays);
    }

    public static SettlementView? Settlement(AccountState account) =>
        account.Settlement is { } offer
            ? new SettlementView(offer.Status, offer.Amount, offer.ExpiresOn, offer.Paid, offer.BalanceAtOffer - offer.Amount, offer.OfferedAt)
            : null;

    public static LitigationView? Litigation(AccountState account) =>
        account.Litigation is { } lawsuit
            ? new LitigationView(lawsuit.CaseReference, lawsuit.FiledOn, lawsuit.JudgmentOn, lawsuit.LastStep, lawsuit.LastStepOn, lawsuit.Steps)
            : null;

    private static bool IsSingle(CollectionActivities activity) => activity != 0 && (activity & (activity - 1)) == 0;
}
