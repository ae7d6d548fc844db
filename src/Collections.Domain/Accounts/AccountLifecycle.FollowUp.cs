using Collections.Domain.Events;

namespace Collections.Domain.Accounts;

/// <summary>
/// Follow-up: the account's own wake decides its open arrangement on time. Deadlines are the end of a
/// local day in the debtor's zone (a payment recorded on the last day counts); at most one arrangement
/// (promise, plan or settlement) is open at a time.
/// </summary>
public static partial class AccountLifecycle
{
    /// <summary>
    /// Why escalation waits, or null when it may proceed: a dispute or a hold that stops it
    /// (<c>dispute</c>, <c>hold:Bankruptcy</c>…), an open promise (<c>promise</c>), or a plan or settlement
    /// in force (<c>plan</c>, <c>settlement</c>). Plans and settlements pending approval do not hold it.
    /// </summary>
    public static string? EscalationHeldBy(AccountState state) =>
        StoppedBy(state, CollectionActivities.Escalation)
        ?? (state.Promise is not null ? "promise"
            : state.Plan is { Status: ApprovalStatus.Active } ? "plan"
            : state.Settlement is { Status: ApprovalStatus.Active } ? "settlement"
            : null);

    /// <summary>
    /// The dispute or hold that stops <paramref name="activity"/> on this account (<c>dispute</c> or
    /// <c>hold:{type}</c>), or null when none does. See <see cref="HoldRules"/> for the table.
    /// </summary>
    public static string? StoppedBy(AccountState state, CollectionActivities activity)
    {
        if (state.Dispute is not null && (HoldRules.DisputeStops & activity) != 0)
        {
            return "dispute";
        }

        foreach (var hold in state.Holds)
        {
            if ((HoldRules.Stops(hold.Type) & activity) != 0)
            {
                return $"hold:{hold.Type}";
            }
        }

        return null;
    }

    /// <summary>A person's wording of what <see cref="StoppedBy"/> returned.</summary>
    public static string DescribeStop(string stoppedBy) => stoppedBy switch
    {
        "dispute" => "an open dispute (resolve it first with POST …/disputes/resolve)",
        _ when stoppedBy.StartsWith("hold:", StringComparison.Ordinal) =>
            $"the {stoppedBy[5..]} hold (release it first with DELETE …/holds/{stoppedBy[5..]})",
        _ => stoppedBy,
    };

    /// <summary>Decides the open arrangement if its deadline has passed at <paramref name="now"/>.</summary>
    private static void FollowUp(Pending pending, DateTimeOffset now)
    {
        var state = pending.State;
        var zone = state.Zone;
        if (state.Settlement is { } offer && now >= BusinessCalendar.EndOfDay(offer.ExpiresOn, zone))
        {
            pending.Add(new SettlementExpired(offer.Amount, offer.Paid));
        }

        if (state.Promise is { } promise && now >= BusinessCalendar.EndOfDay(promise.LastDay, zone))
        {
            pending.Add(promise.Paid >= promise.Amount
                ? new PromiseKept(promise.Amount, promise.Paid)
                : new PromiseBroken(promise.Amount, promise.Paid, state.PromisesBroken + 1));
        }

        if (state.Plan is { Status: ApprovalStatus.PendingApproval } proposed)
        {
            var first = proposed.Terms.Installments[0];
            if (now >= BusinessCalendar.EndOfDay(first.DueDate.AddDays(proposed.GraceDays), zone))
            {
                pending.Add(new PlanLapsed(first.DueDate));
            }
        }
        else if (state.Plan is { } plan)
        {
            if (plan.FirstUnmet() is not { } unmet)
            {
                // Paid in full without the payment completing it (the lender lowered the balance meanwhile).
                pending.Add(new PlanCompleted(plan.Paid, state.Balance));
                CloseWith(pending, ClosedReason.Paid);
            }
            else if (now >= BusinessCalendar.EndOfDay(unmet.Installment.DueDate.AddDays(plan.GraceDays), zone))
            {
                pending.Add(new PlanBroken(unmet.Installment.DueDate, unmet.CumulativeDue, plan.Paid));
            }
        }
    }

    /// <summary>When the open arrangement must next be looked at, and why; null when none is open.</summary>
    private static Wake? FollowUpDue(AccountState state)
    {
        var zone = state.Zone;
        if (state.Settlement is { } offer)
        {
            return new Wake(BusinessCalendar.EndOfDay(offer.ExpiresOn, zone), $"settlement expires after {BusinessCalendar.Iso(offer.ExpiresOn)}");
        }

        if (state.Promise is { } promise)
        {
            return new Wake(BusinessCalendar.EndOfDay(promise.LastDay, zone), $"decide promise due {BusinessCalendar.Iso(promise.DueDate)}");
        }

        if (state.Plan is { Status: ApprovalStatus.PendingApproval } proposed)
        {
            var first = proposed.Terms.Installments[0].DueDate;
            return new Wake(BusinessCalendar.EndOfDay(first.AddDays(proposed.GraceDays), zone), $"plan lapses unless approved (first installment {BusinessCalendar.Iso(first)})");
        }

        if (state.Plan is { } plan)
        {
            return plan.FirstUnmet() is { } unmet
                ? new Wake(BusinessCalendar.EndOfDay(unmet.Installment.DueDate.AddDays(plan.GraceDays), zone), $"check installment due {BusinessCalendar.Iso(unmet.Installment.DueDate)}")
                : new Wake(state.OpenedAt, "complete plan");
        }

        return null;
    }

    /// <summary>Promises, plans and settlements.</summary>
    private static AccountState ApplyArrangement(AccountState state, AccountEvent e) => e.Data switch
    {
        PromiseMade made => state with
        {
            Version = e.Seq,
            Promise = new PromiseToPay(made.Amount, made.DueDate, made.GraceDays, e.At, 0),
        },
        PromiseKept => state with { Version = e.Seq, Promise = null, PromisesKept = state.PromisesKept + 1 },
        PromiseBroken broken => state with { Version = e.Seq, Promise = null, PromisesBroken = broken.BrokenPromises },
        PlanSubmitted submitted => state with
        {
            Version = e.Seq,
            Plan = new PaymentPlan(submitted.Terms, submitted.Status, submitted.GraceDays, e.At, 0, submitted.Balance, e.Actor, submitted.WaiverPercent),
        },
        PlanApproved => state with { Version = e.Seq, Plan = Required(state.Plan, e) with { Status = ApprovalStatus.Active } },
        PlanBroken or PlanLapsed or PlanDeclined => state with { Version = e.Seq, Plan = null },
        PlanCompleted completed => state with
        {
            Version = e.Seq,
            Plan = null,
            Balance = Forgive(state.Balance, completed.Forgiven),
            Arrears = 0,
            Forgiven = state.Forgiven + completed.Forgiven.Total,
        },
        SettlementOffered offered => state with
        {
            Version = e.Seq,
            Settlement = new SettlementOffer(offered.Amount, offered.ExpiresOn, offered.Status, e.At, 0, offered.Balance, e.Actor, offered.ForgivenPercent),
        },
        SettlementApproved => state with { Version = e.Seq, Settlement = Required(state.Settlement, e) with { Status = ApprovalStatus.Active } },
        SettlementExpired or SettlementDeclined => state with { Version = e.Seq, Settlement = null },
        SettlementPaid settled => state with
        {
            Version = e.Seq,
            Settlement = null,
            Balance = Forgive(state.Balance, settled.Forgiven),
            Arrears = 0,
            Forgiven = state.Forgiven + settled.Forgiven.Total,
        },
        _ => throw Unhandled(e),
    };

    private static Balance Forgive(Balance balance, Balance forgiven) => new(
        balance.Principal - forgiven.Principal,
        balance.Interest - forgiven.Interest,
        balance.Fees - forgiven.Fees,
        balance.Penalty - forgiven.Penalty);

    private static T Required<T>(T? value, AccountEvent e)
        where T : class =>
        value ?? throw new InvalidOperationException($"Event {e.Seq} ({e.Type}) has nothing to apply to.");
}
