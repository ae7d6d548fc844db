using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;

namespace Collections.Grains.Index;

/// <summary>What the read model keeps of an account, derived from its state (pure: a rebuild derives the same).</summary>
public static class AccountSummaries
{
    public static AccountSummary Of(AccountState account, DateTimeOffset now, Domain.Strategies.Strategy rules)
    {
        var active = account.Status == AccountStatus.Active;
        var dpd = Math.Max(0, account.DaysPastDue(now));
        return new AccountSummary(
            account.AccountRef,
            account.Version,
            account.Record.CustomerId,
            account.Status,
            account.Stage,
            active ? rules.BucketAt(dpd) : null,
            account.Record.DueDate,
            account.Record.Debtor.TimeZone,
            account.Record.Currency,
            BalanceView.From(account.Balance),
            RiskTiers.Assess(dpd, account.Balance.Total, account.Record.Score),
            account.Segment,
            account.Outsourcing.Current?.AgencyId,
            PendingOf(account),
            account.Complaints.IsEmpty
                ? null
                : [.. account.Complaints.Select(c => new ComplaintDigest(c.Id, c.Category, c.Status, c.RespondBy, c.AgencyId, c.ReceivedAt))]);
    }

    /// <summary>Whether two summaries differ in anything but the version (a change worth a write).</summary>
    public static bool SameContent(AccountSummary? a, AccountSummary b) =>
        a is not null && a with { Version = b.Version, Complaints = b.Complaints } == b
        && (a.Complaints ?? []).SequenceEqual(b.Complaints ?? []);

    private static PendingApproval? PendingOf(AccountState account) =>
        account.Plan is { Status: ApprovalStatus.PendingApproval } plan
            ? new PendingApproval(ApprovalKind.Plan, plan.WaivePercent, plan.SubmittedBy, plan.SubmittedAt)
            : account.Settlement is { Status: ApprovalStatus.PendingApproval } offer
                ? new PendingApproval(ApprovalKind.Settlement, offer.WaivePercent, offer.SubmittedBy, offer.OfferedAt)
                : null;
}
