using System.Globalization;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Strategies;

namespace Collections.Domain.Queues;

/// <summary>
/// An account's place in its lender's work queue for its stage: the sortable <see cref="Priority"/>, the
/// earliest instant the contact policy allows a call (<see cref="CallableAt"/>; null when it allowed one
/// at the account's last change) and why it ranks where it does.
/// </summary>
public sealed record WorkQueueEntry(string AccountRef, Stage Stage, string? Segment, string Priority, DateTimeOffset? CallableAt, string Reason);

/// <summary>
/// Which accounts a lender's collectors may be handed, and in which order. Priority, highest first:
/// <list type="number">
/// <item>a broken promise that nothing has replaced yet (no promise open, no plan);</item>
/// <item>a later DPD bucket of the account's strategy;</item>
/// <item>a higher balance;</item>
/// <item>a lower score (less likely to pay by itself; accounts without a score after those with one);</item>
/// <item>the account reference, so that the order is total.</item>
/// </list>
/// Only active accounts in a stage, not placed with an agency, with something owed and no stop on calls
/// that lasts until lifted (dispute, cease-communication, a hold that stops contact) are queued; a
/// passing reason (outside the debtor's hours, a cap, the 7-day wait) only moves <see cref="WorkQueueEntry.CallableAt"/>.
/// </summary>
public static class WorkQueue
{
    private const long BalanceCentsCeiling = 999_999_999_999_999;

    /// <summary>The account's entry at <paramref name="now"/>, or null when no team may work it.</summary>
    public static WorkQueueEntry? EntryOf(AccountState account, DateTimeOffset now, Strategy rules)
    {
        if (account.Status != AccountStatus.Active || account.Stage is not { } stage
            || account.Outsourcing.Current is not null || account.Balance.Total <= 0)
        {
            return null;
        }

        var (decision, nextAllowed) = AccountLifecycle.ContactPermission(account, ContactChannel.Call, now, rules);
        if (!decision.Allowed && nextAllowed is null)
        {
            return null;
        }

        var dpd = Math.Max(0, account.DaysPastDue(now));
        var bucket = rules.BucketAt(dpd);
        var bucketRank = bucket is null ? 0 : rules.Buckets.Select(b => b.Name).ToList().IndexOf(bucket) + 1;
        var broken = BrokenPromiseOpen(account);
        var cents = (long)Math.Clamp(decimal.Round(account.Balance.Total * 100m), 0m, BalanceCentsCeiling);
        var score = account.Record.Score ?? 9_999;
        var priority = string.Create(CultureInfo.InvariantCulture, $"{(broken ? 0 : 1)}{99 - bucketRank:D2}{BalanceCentsCeiling - cents:D15}{score:D4}");

        List<string> reasons = [];
        if (broken)
        {
            reasons.Add("broken promise");
        }

        reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{bucket ?? "no bucket"} (DPD {dpd})"));
        reasons.Add(string.Create(CultureInfo.InvariantCulture, $"balance {account.Balance.Total:0.00} {account.Record.Currency}"));
        if (account.Record.Score is { } known)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"score {known}"));
        }

        return new WorkQueueEntry(account.AccountRef, stage, account.Segment, priority, decision.Allowed ? null : nextAllowed, string.Join(", ", reasons));
    }

    private static bool BrokenPromiseOpen(AccountState account) =>
        account.PromisesBroken > 0 && account.Promise is null && account.Plan is null;
}
