using System.Collections.Immutable;
using Collections.Domain.Events;
using Collections.Domain.Strategies;

namespace Collections.Domain.Accounts;

/// <summary>The rules an account follows: a strategy version (with its variant resolved) and its reference.</summary>
public sealed record StrategyInForce(StrategyRef Ref, Strategy Rules);

public enum UpsertOutcome
{
    Created,
    Updated,
    Unchanged,
}

/// <summary>A decision: the events to record, or why nothing may be recorded.</summary>
public sealed record Decision(ImmutableArray<AccountEventData> Events, Rejection? Rejection = null)
{
    public static readonly Decision None = new([]);

    public static Decision Reject(RejectionKind kind, string message) => new([], new Rejection(kind, message));
}

/// <summary>A business event the account must wake for, and why.</summary>
public sealed record Wake(DateTimeOffset At, string Reason);

/// <summary>
/// The collection lifecycle as pure functions of (state, business time, strategy): each command is
/// decided into events, and state is only ever changed by applying events. The grain persists the
/// events and schedules <see cref="NextWake"/>; nothing here knows about Orleans or the clock.
/// </summary>
public static class AccountLifecycle
{
    /// <summary>Applies a lender record: opens a new account, updates a known one, or changes nothing.</summary>
    public static (UpsertOutcome Outcome, Decision Decision) Upsert(
        AccountState? state, string lenderId, AccountRecord record, DateTimeOffset now, StrategyInForce latest)
    {
        if (state is null)
        {
            var opened = new AccountOpened(lenderId, record, latest.Ref);
            var fresh = Apply(null, new AccountEvent(1, now, "", opened));
            return (UpsertOutcome.Created, new Decision([opened, .. Advance(fresh, now, latest.Rules, latest)]));
        }

        if (state.Record == record)
        {
            return (UpsertOutcome.Unchanged, Decision.None);
        }

        var dpd = BusinessCalendar.DaysPastDue(record.DueDate, now, BusinessCalendar.Zone(record.Debtor.TimeZone));
        if (state.Status == AccountStatus.Closed && dpd >= latest.Rules.Stages.Notice && record.Balance.Total > 0)
        {
            var reopened = new AccountReopened(record, latest.Ref);
            var cycle = Apply(state, new AccountEvent(state.Version + 1, now, "", reopened));
            return (UpsertOutcome.Updated, new Decision([reopened, .. Advance(cycle, now, latest.Rules, latest)]));
        }

        var updated = new AccountUpdated(record, ChangedFields(state.Record, record));
        if (state.Status == AccountStatus.Closed)
        {
            return (UpsertOutcome.Updated, new Decision([updated]));
        }

        var after = Apply(state, new AccountEvent(state.Version + 1, now, "", updated));
        ImmutableArray<AccountEventData> events = [updated];
        if (after.Balance.Total == 0)
        {
            events = events.Add(new AccountClosed(ClosedReason.Paid));
        }
        else if (after.Stage is not null && dpd <= 0)
        {
            // The lender's own books say the account is no longer past due.
            events = events.Add(new AccountClosed(ClosedReason.Cured));
        }

        return (UpsertOutcome.Updated, new Decision(events));
    }

    /// <summary>
    /// The stage entries due at <paramref name="now"/>, in order and each with its own event, however
    /// many thresholds were crossed since the last look (an account imported at DPD 95 enters Notice,
    /// Early, Mid and Legal). The account's own strategy decides when it leaves its stage; the stage it
    /// enters is run under the latest version.
    /// </summary>
    public static ImmutableArray<AccountEventData> Advance(AccountState state, DateTimeOffset now, Strategy assigned, StrategyInForce latest)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return [];
        }

        var dpd = state.DaysPastDue(now);
        var events = ImmutableArray.CreateBuilder<AccountEventData>();
        var stage = state.Stage;
        var rules = assigned;
        while (NextStage(stage) is { } next && dpd >= rules.Stages.For(next))
        {
            events.Add(new StageEntered(next, dpd, rules.Stages.For(next), latest.Ref));
            stage = next;
            rules = latest.Rules;
        }

        return events.ToImmutable();
    }

    /// <summary>The next moment something is due for this account under its strategy, or null if nothing is.</summary>
    public static Wake? NextWake(AccountState state, Strategy assigned)
    {
        if (state.Status == AccountStatus.Closed || NextStage(state.Stage) is not { } next)
        {
            return null;
        }

        var date = state.Record.DueDate.AddDays(assigned.Stages.For(next));
        return new Wake(BusinessCalendar.StartOfDay(date, state.Zone), $"enter {next}");
    }

    /// <summary>Records a payment, idempotently by its id; paying the arrears cures, paying everything closes as Paid.</summary>
    public static Decision Pay(AccountState state, string paymentId, decimal amount, DateTimeOffset paidAt, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(paymentId) || paymentId.Length > 128)
        {
            return Decision.Reject(RejectionKind.Invalid, "paymentId is required (at most 128 characters)");
        }

        if (state.Payments.TryGetValue(paymentId, out var recorded))
        {
            return recorded == amount
                ? Decision.None
                : Decision.Reject(RejectionKind.Conflict, $"payment '{paymentId}' was already recorded with amount {recorded}; a payment id cannot be reused for another amount");
        }

        var minorUnits = Currencies.MinorUnits(state.Record.Currency) ?? 2;
        if (amount <= 0 || amount > AccountRecordParser.MaxAmount || !Currencies.FitsMinorUnits(amount, minorUnits))
        {
            return Decision.Reject(RejectionKind.Invalid, $"amount must be greater than 0 with at most {minorUnits} decimals ({state.Record.Currency})");
        }

        if (paidAt > now.AddDays(1))
        {
            return Decision.Reject(RejectionKind.Invalid, $"paidAt {paidAt:O} is in the future; the business time is {now:O}");
        }

        var (after, allocated, overpaid) = state.Balance.ApplyPayment(amount);
        ImmutableArray<AccountEventData> events = [new PaymentReceived(paymentId, amount, paidAt, allocated, overpaid)];
        if (state.Status == AccountStatus.Active)
        {
            if (after.Total == 0)
            {
                events = events.Add(new AccountClosed(ClosedReason.Paid));
            }
            else if (state.Arrears <= amount)
            {
                events = events.Add(new AccountClosed(ClosedReason.Cured));
            }
        }

        return new Decision(events);
    }

    /// <summary>The lender takes the account out of collections.</summary>
    public static Decision Close(AccountState state, ClosedReason reason)
    {
        if (reason is not (ClosedReason.Recalled or ClosedReason.WrittenOff or ClosedReason.Sold))
        {
            return Decision.Reject(RejectionKind.Invalid, $"a lender closes an account as Recalled, WrittenOff or Sold; {reason} is decided by the engine");
        }

        return state.Status == AccountStatus.Closed
            ? Decision.Reject(RejectionKind.Conflict, $"the account is already closed ({state.ClosedReason})")
            : new Decision([new AccountClosed(reason)]);
    }

    /// <summary>The state after one event: the only way state changes.</summary>
    public static AccountState Apply(AccountState? state, AccountEvent e) => e.Data switch
    {
        AccountOpened opened => new AccountState
        {
            LenderId = opened.LenderId,
            AccountRef = opened.Record.AccountRef,
            Version = e.Seq,
            Status = AccountStatus.Active,
            Record = opened.Record,
            Balance = opened.Record.Balance,
            Arrears = opened.Record.Arrears,
            Strategy = opened.Strategy,
            OpenedAt = e.At,
        },
        AccountUpdated updated => Existing(state) with
        {
            Version = e.Seq,
            Record = updated.Record,
            Balance = updated.Record.Balance,
            Arrears = updated.Record.Arrears,
        },
        AccountReopened reopened => Existing(state) with
        {
            Version = e.Seq,
            Status = AccountStatus.Active,
            Stage = null,
            StageEnteredAt = null,
            Record = reopened.Record,
            Balance = reopened.Record.Balance,
            Arrears = reopened.Record.Arrears,
            Strategy = reopened.Strategy,
            ClosedReason = null,
            ClosedAt = null,
        },
        StageEntered entered => Existing(state) with
        {
            Version = e.Seq,
            Stage = entered.Stage,
            StageEnteredAt = e.At,
            Strategy = entered.Strategy,
        },
        PaymentReceived paid => Existing(state) with
        {
            Version = e.Seq,
            Balance = Existing(state).Balance.ApplyPayment(paid.Amount).After,
            Arrears = Math.Max(0, Existing(state).Arrears - paid.Amount),
            Collected = Existing(state).Collected + paid.Amount,
            Overpaid = Existing(state).Overpaid + paid.Overpaid,
            Payments = Existing(state).Payments.SetItem(paid.PaymentId, paid.Amount),
        },
        AccountClosed closed => Existing(state) with
        {
            Version = e.Seq,
            Status = AccountStatus.Closed,
            ClosedReason = closed.Reason,
            ClosedAt = e.At,
        },
        _ => throw new InvalidOperationException($"No rule applies event {e.Type}."),
    };

    public static Stage? NextStage(Stage? stage) => stage switch
    {
        null => Stage.Notice,
        Stage.ChargedOff => null,
        { } s => s + 1,
    };

    private static AccountState Existing(AccountState? state) =>
        state ?? throw new InvalidOperationException("The first event of an account must be AccountOpened.");

    private static ImmutableArray<string> ChangedFields(AccountRecord before, AccountRecord after)
    {
        var changed = ImmutableArray.CreateBuilder<string>();
        void Check(string name, bool same)
        {
            if (!same)
            {
                changed.Add(name);
            }
        }

        Check("product", before.Product == after.Product);
        Check("currency", before.Currency == after.Currency);
        Check("balance", before.Balance == after.Balance);
        Check("dueDate", before.DueDate == after.DueDate);
        Check("installmentAmount", before.InstallmentAmount == after.InstallmentAmount);
        Check("pastDueAmount", before.PastDueAmount == after.PastDueAmount);
        Check("contact", before.Debtor == after.Debtor);
        Check("score", before.Score == after.Score);
        return changed.ToImmutable();
    }
}
