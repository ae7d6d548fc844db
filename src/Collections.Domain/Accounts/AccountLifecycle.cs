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

/// <summary>One append: the events to store, numbered and stamped in order, and the state after them.</summary>
public sealed record Append(ImmutableArray<AccountEvent> Events, AccountState? State)
{
    public bool IsEmpty => Events.IsEmpty;
}

/// <summary>
/// A command run by <see cref="AccountLifecycle.Execute"/>: what the engine found due before it
/// (<see cref="Due"/>), the command's own events, and the escalation it released (<see cref="Released"/>).
/// The engine's events are recorded as the system's, the command's as its actor's.
/// </summary>
public sealed record Execution(
    ImmutableArray<AccountEventData> Due,
    ImmutableArray<AccountEventData> Commanded,
    ImmutableArray<AccountEventData> Released,
    Rejection? Rejection)
{
    public bool IsEmpty => Due.IsEmpty && Commanded.IsEmpty && Released.IsEmpty;
}

/// <summary>
/// The collection lifecycle as pure functions of (state, business time, strategy): each command is
/// decided into events, and state is only ever changed by applying events. The grain persists the
/// events and schedules <see cref="NextWake"/>; nothing here knows about Orleans or the clock.
/// </summary>
public static partial class AccountLifecycle
{
    /// <summary>The actor of what the engine decides by itself (follow-up, escalation, contacts, recalls).</summary>
    public const string SystemActor = "system";

    private const string AgencyActorPrefix = "agency:";

    /// <summary>The actor of what an agency records on a placed account.</summary>
    public static string AgencyActor(string agencyId) => AgencyActorPrefix + agencyId;

    /// <summary>The agency an actor is, or null when it is not an agency.</summary>
    public static string? AgencyOf(string actor) =>
        actor.StartsWith(AgencyActorPrefix, StringComparison.Ordinal) ? actor[AgencyActorPrefix.Length..] : null;

    /// <summary>
    /// Applies a lender record: opens a new account, updates a known one, or changes nothing. An update that
    /// moves the account across a segment's bound changes its segment at once, under <paramref name="assigned"/>
    /// (the rules the account follows; the latest when not given).
    /// </summary>
    public static (UpsertOutcome Outcome, Decision Decision) Upsert(
        AccountState? state, string lenderId, AccountRecord record, DateTimeOffset now, StrategyInForce latest, Strategy? assigned = null)
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
        else if (after.Stage is not null && dpd <= 0 && !PaidArrearsKeepOpen(after))
        {
            // The lender's own books say the account is no longer past due.
            events = events.Add(new AccountClosed(ClosedReason.Cured));
        }
        else if (SegmentChange(after, now, assigned ?? latest.Rules) is { } changed)
        {
            events = events.Add(changed);
        }

        return (UpsertOutcome.Updated, new Decision(events));
    }

    /// <summary>
    /// Everything due at <paramref name="now"/>, in order: follow-up of the open arrangement (a settlement
    /// that expired, a promise whose last day ended, an installment missed after its grace, a pending plan
    /// never approved), then the stage entries due — each crossed threshold with its own event, however
    /// many were crossed since the last look (an account imported at DPD 95 enters Notice, Early, Mid and
    /// Legal) — unless something holds escalation (<see cref="EscalationHeldBy"/>). The account's own
    /// strategy decides when it leaves its stage; the stage it enters is run under the latest version.
    /// </summary>
    public static ImmutableArray<AccountEventData> Advance(AccountState state, DateTimeOffset now, Strategy assigned, StrategyInForce latest)
    {
        // Complaints are answered whatever became of the account: a closed one still flags an overdue complaint.
        var overdue = ComplaintsOverdue(state, now);
        if (state.Status == AccountStatus.Closed)
        {
            return overdue;
        }

        var pending = new Pending(state, now);
        pending.AddRange(overdue);
        FollowUp(pending, now);
        if (pending.State.Status == AccountStatus.Closed)
        {
            return pending.Events;
        }

        Resegment(pending, now, assigned);
        if (EscalationHeldBy(pending.State) is not null)
        {
            return pending.Events;
        }

        var dpd = pending.State.DaysPastDue(now);
        var rules = assigned;
        while (Effective(pending.State, rules) is var effective && NextStageFor(pending.State, effective) is { } next && dpd >= effective.Stages.For(next))
        {
            pending.Add(new StageEntered(next, dpd, effective.Stages.For(next), latest.Ref));
            rules = latest.Rules;
        }

        // A stage entered under a newer version is segmented by that version's segments.
        Resegment(pending, now, rules);
        return pending.Events;
    }

    /// <summary>
    /// The next moment something is due for this account under its strategy, or null if nothing is: the
    /// open arrangement's deadline, the next stage threshold unless escalation is held, and the response deadline of
    /// an open complaint (the only wake a closed account keeps).
    /// </summary>
    public static Wake? NextWake(AccountState state, Strategy assigned)
    {
        Wake? earliest = ComplaintWake(state);
        if (state.Status == AccountStatus.Closed)
        {
            return earliest;
        }

        void Consider(DateTimeOffset at, string reason)
        {
            if (earliest is null || at < earliest.At)
            {
                earliest = new Wake(at, reason);
            }
        }

        if (FollowUpDue(state) is { } followUp)
        {
            Consider(followUp.At, followUp.Reason);
        }

        var rules = Effective(state, assigned);
        if (EscalationHeldBy(state) is null && NextStageFor(state, rules) is { } next)
        {
            var date = state.Record.DueDate.AddDays(rules.Stages.For(next));
            Consider(BusinessCalendar.StartOfDay(date, state.Zone), $"enter {next}");
        }

        return earliest;
    }

    /// <summary>
    /// Runs a command as the grain does: first whatever is due at <paramref name="now"/> (so that a
    /// command and a wake tick racing each other give the same outcome whichever runs first: it depends
    /// on business time only), then the command on that state under the rules then in force, then any
    /// escalation the command released (a dispute verified, a hold lifted). A rejected command records
    /// nothing at all.
    /// </summary>
    public static Execution Execute(
        AccountState state, DateTimeOffset now, Strategy assigned, StrategyInForce latest, Func<AccountState, Strategy, Decision> command)
    {
        var before = Advance(state, now, assigned, latest);
        var pending = new Pending(state, now);
        pending.AddRange(before);
        var decision = command(pending.State, Effective(pending.State, RulesOf(pending.State, state, assigned, latest)));
        if (decision.Rejection is { } rejection)
        {
            return new Execution([], [], [], rejection);
        }

        pending.AddRange(decision.Events);
        var after = Advance(pending.State, now, RulesOf(pending.State, state, assigned, latest), latest);
        return new Execution(before, decision.Events, after, null);
    }

    /// <summary>
    /// Everything one append records, decided here so that every caller records the same: the decided
    /// events (each as its actor's), then, as the system's, what the state after them calls for — the
    /// contacts now due (<see cref="DueContacts"/>) and the placement's recall (<see cref="PlacementEnds"/>),
    /// so that no moment exists at which a change is stored but what it released is not. With nothing
    /// decided (a wake that found nothing else due), only what the state itself calls for.
    /// </summary>
    public static Append Complete(
        AccountState? state,
        IEnumerable<(AccountEventData Data, string Actor)> decided,
        DateTimeOffset now,
        Strategy assigned,
        StrategyInForce latest,
        Debtors.DebtorLedger? person = null)
    {
        var events = ImmutableArray.CreateBuilder<AccountEvent>();
        var next = state is null || person is null ? state : state with { Person = person };
        void Record(AccountEventData data, string actor)
        {
            var e = new AccountEvent((next?.Version ?? 0) + 1, now, actor, data);
            next = Apply(next, e);
            next = person is null ? next : next with { Person = person };
            events.Add(e);
        }

        foreach (var (data, actor) in decided)
        {
            Record(data, actor);
        }

        if (next is null)
        {
            return new Append([], null);
        }

        var rules = state is null ? latest.Rules : RulesOf(next, state, assigned, latest);
        foreach (var data in DueContacts(next, now, rules))
        {
            Record(data, SystemActor);
        }

        foreach (var data in PlacementEnds(next, now))
        {
            Record(data, SystemActor);
        }

        return new Append(events.ToImmutable(), next);
    }

    /// <summary>
    /// Records a payment, idempotently by its id; paying the arrears cures (before Legal: see
    /// <see cref="PaidArrearsKeepOpen"/>), paying everything closes as Paid.
    /// </summary>
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

        var (_, allocated, overpaid) = state.Balance.ApplyPayment(amount);
        var pending = new Pending(state, now);
        pending.Add(new PaymentReceived(paymentId, amount, paidAt, allocated, overpaid));
        if (state.Status == AccountStatus.Active)
        {
            var paid = pending.State;
            if (paid.Balance.Total == 0)
            {
                if (paid.Plan is { Status: ApprovalStatus.Active } plan)
                {
                    pending.Add(new PlanCompleted(plan.Paid, Balance.Zero));
                }

                CloseWith(pending, ClosedReason.Paid);
            }
            else if (paid.Settlement is { Status: ApprovalStatus.Active } offer && offer.Paid >= offer.Amount)
            {
                pending.Add(new SettlementPaid(offer.Amount, offer.Paid, paid.Balance));
                CloseWith(pending, ClosedReason.Settled);
            }
            else if (paid.Plan is { Status: ApprovalStatus.Active } plan && plan.Paid >= plan.Terms.Total)
            {
                pending.Add(new PlanCompleted(plan.Paid, paid.Balance));
                CloseWith(pending, ClosedReason.Paid);
            }
            else if (paid.Plan is not { Status: ApprovalStatus.Active } && paid.Settlement is not { Status: ApprovalStatus.Active } && state.Arrears <= amount
                && !PaidArrearsKeepOpen(paid))
            {
                // A plan or a settlement in force replaces the arrears: only completing it closes the account.
                CloseWith(pending, ClosedReason.Cured);
            }
        }

        return new Decision(pending.Events);
    }

    /// <summary>
    /// New contact data from <paramref name="source"/> (skip-trace, the debtor, an agency), validated like a
    /// lender record; what does not change is not recorded. A new phone number lifts a wrong-number block.
    /// </summary>
    public static Decision ChangeContactInfo(AccountState state, string? phone, string? email, string? address, string? source)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "new contact data");
        }

        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(source) || source.Trim().Length > 64)
        {
            errors.Add("source is required: where the data comes from, e.g. skip-trace, debtor, agency (at most 64 characters)");
        }

        if (phone is null && email is null && address is null)
        {
            errors.Add("give at least one of phone, email, address");
        }

        var fields = new Dictionary<string, string?>
        {
            ["accountRef"] = state.AccountRef, ["currency"] = state.Record.Currency, ["principal"] = "1", ["dueDate"] = "2000-01-01",
            ["borrowerName"] = "-", ["phone"] = phone, ["email"] = email, ["address"] = address,
        };
        errors.AddRange(AccountRecordParser.Parse(fields).Errors.Select(e => e.ToString()));
        if (errors.Count > 0)
        {
            return Decision.Reject(RejectionKind.Invalid, string.Join("; ", errors));
        }

        var debtor = state.Record.Debtor;
        phone = phone?.Trim();
        email = email?.Trim();
        address = address?.Trim();
        var changed = ImmutableArray.CreateBuilder<string>();
        if (phone is not null && phone != debtor.Phone)
        {
            changed.Add("phone");
        }

        if (email is not null && email != debtor.Email)
        {
            changed.Add("email");
        }

        if (address is not null && address != debtor.Address)
        {
            changed.Add("address");
        }

        return changed.Count == 0
            ? Decision.None
            : new Decision([new ContactInfoChanged(phone, email, address, source!.Trim(), changed.ToImmutable())]);
    }

    /// <summary>The lender takes the account out of collections.</summary>
    public static Decision Close(AccountState state, ClosedReason reason)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return Decision.Reject(RejectionKind.Conflict, $"the account is already closed ({state.ClosedReason})");
        }

        if (reason is not (ClosedReason.Recalled or ClosedReason.WrittenOff or ClosedReason.Sold))
        {
            return Decision.Reject(RejectionKind.Invalid, $"a lender closes an account as Recalled, WrittenOff or Sold; {reason} is decided by the engine");
        }

        return new Decision([new AccountClosed(reason)]);
    }

    /// <summary>
    /// The state after one event: the only way state changes. Each family of events is applied by its own
    /// method; outsourcing then sees what the event means to a placement (<see cref="ObserveOutsourcing"/>).
    /// </summary>
    public static AccountState Apply(AccountState? state, AccountEvent e)
    {
        var next = e.Data switch
        {
            AccountOpened opened => Opened(opened, e),
            AccountUpdated or AccountReopened or StageEntered or PaymentReceived or AccountClosed or ContactInfoChanged or SegmentChanged => ApplyAccount(Existing(state), e),
            PromiseMade or PromiseKept or PromiseBroken or PlanSubmitted or PlanApproved or PlanBroken or PlanLapsed or PlanCompleted or PlanDeclined
                or SettlementOffered or SettlementApproved or SettlementExpired or SettlementPaid or SettlementDeclined => ApplyArrangement(Existing(state), e),
            DisputeOpened or DisputeResolved or HoldPlaced or HoldReleased or LitigationStepRecorded => ApplyProtection(Existing(state), e),
            ContactPlanned or ContactSuppressed or ContactDispatchRequested or ContactSent or ContactDispatchFailed or ContactResultReceived
                or ContactRecorded or ContactViolation => ApplyContacts(Existing(state), e),
            AccountPlaced or PlacementAwaited or PlacementRecalled or PlacementReturned or AgencyContactRecorded
                or PlacementPaymentCredited => ApplyOutsourcing(Existing(state), e),
            DocumentAdded or EvidenceExported or ComplaintReceived or ComplaintOverdue or ComplaintResolved => ApplyRecords(Existing(state), e),
            PortalLinkIssued or PortalLinksRevoked or PortalVisited or CallbackRequested or PaymentIntentCreated => ApplyPortal(Existing(state), e),
            _ => throw Unhandled(e),
        };
        return ObservePortal(ObserveOutsourcing(next, e), e);
    }

    private static AccountState Opened(AccountOpened opened, AccountEvent e) => new()
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
    };

    /// <summary>The account's own facts: the lender's record, stages, payments and closing.</summary>
    private static AccountState ApplyAccount(AccountState state, AccountEvent e) => e.Data switch
    {
        AccountUpdated updated => state with
        {
            Version = e.Seq,
            Record = updated.Record,
            Balance = updated.Record.Balance,
            Arrears = updated.Record.Arrears,
        },
        AccountReopened reopened => state with
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
        StageEntered entered => state with
        {
            Version = e.Seq,
            Stage = entered.Stage,
            StageEnteredAt = e.At,
            Strategy = entered.Strategy,
            FirstNoticeAt = state.FirstNoticeAt ?? (entered.Stage == Stage.Notice ? e.At : null),
        },
        PaymentReceived paid => state with
        {
            Version = e.Seq,
            Balance = state.Balance.ApplyPayment(paid.Amount).After,
            Arrears = Math.Max(0, state.Arrears - paid.Amount),
            Collected = state.Collected + paid.Amount,
            Overpaid = state.Overpaid + paid.Overpaid,
            Payments = state.Payments.SetItem(paid.PaymentId, paid.Amount),

            // Every payment recorded while an arrangement is open counts towards it.
            Promise = state.Promise is { } promise ? promise with { Paid = promise.Paid + paid.Amount } : null,
            Plan = state.Plan is { } plan ? plan with { Paid = plan.Paid + paid.Amount } : null,
            Settlement = state.Settlement is { } offer ? offer with { Paid = offer.Paid + paid.Amount } : null,
        },
        ContactInfoChanged changed => state with
        {
            Version = e.Seq,
            Record = state.Record with
            {
                Debtor = state.Record.Debtor with
                {
                    Phone = changed.Phone ?? state.Record.Debtor.Phone,
                    Email = changed.Email ?? state.Record.Debtor.Email,
                    Address = changed.Address ?? state.Record.Debtor.Address,
                },
            },
        },
        AccountClosed closed => state with
        {
            Version = e.Seq,
            Status = AccountStatus.Closed,
            ClosedReason = closed.Reason,
            ClosedAt = e.At,

            // Arrangements end with the account; holds and an open dispute are facts about the debtor
            // and stay, so that a reopened account is still protected.
            Promise = null,
            Plan = null,
            Settlement = null,
        },
        SegmentChanged changed => state with { Version = e.Seq, Segment = changed.To },
        _ => throw Unhandled(e),
    };

    /// <summary>An event <see cref="Apply"/> has no rule for: a new event type must be given one.</summary>
    private static InvalidOperationException Unhandled(AccountEvent e) => new($"No rule applies event {e.Type}.");

    public static Stage? NextStage(Stage? stage) => stage switch
    {
        null => Stage.Notice,
        Stage.ChargedOff => null,
        { } s => s + 1,
    };

    /// <summary>Closes the account; an open promise whose amount was paid is recorded as kept first.</summary>
    private static void CloseWith(Pending pending, ClosedReason reason)
    {
        if (pending.State.Promise is { } promise && promise.Paid >= promise.Amount)
        {
            pending.Add(new PromiseKept(promise.Amount, promise.Paid));
        }

        pending.Add(new AccountClosed(reason));
    }

    /// <summary>The rules the account follows now: its assigned ones, or the latest once it entered a stage (or reopened) under them.</summary>
    private static Strategy RulesOf(AccountState now, AccountState before, Strategy assigned, StrategyInForce latest) =>
        now.Strategy == before.Strategy ? assigned : latest.Rules;

    /// <summary>Events decided in sequence, each applied to the state the next one is decided on.</summary>
    private sealed class Pending(AccountState state, DateTimeOffset at)
    {
        private readonly ImmutableArray<AccountEventData>.Builder events = ImmutableArray.CreateBuilder<AccountEventData>();

        public AccountState State { get; private set; } = state;

        public ImmutableArray<AccountEventData> Events => events.ToImmutable();

        public void Add(AccountEventData data)
        {
            events.Add(data);
            State = Apply(State, new AccountEvent(State.Version + 1, at, "", data));
        }

        public void AddRange(ImmutableArray<AccountEventData> range)
        {
            foreach (var data in range)
            {
                Add(data);
            }
        }
    }

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
        Check("customerId", before.CustomerId == after.CustomerId);
        return changed.ToImmutable();
    }
}
