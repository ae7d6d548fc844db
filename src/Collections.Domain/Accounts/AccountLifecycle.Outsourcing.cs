using System.Collections.Immutable;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Domain.Strategies;

namespace Collections.Domain.Accounts;

/// <summary>
/// Outsourcing: when an account is due for an agency, placing it, and ending the placement — by its
/// term, by the agency, or because something happened on the account that recalls it. Which agency is
/// chosen is the platform's business (allocation); the account decides only whether it may be placed
/// and records what happened, each step an event of its own.
/// </summary>
public static partial class AccountLifecycle
{
    /// <summary>The stage whose accounts are placed with agencies.</summary>
    public const Stage PlacementStage = Stage.Mid;

    public const int MaxReturnReasonLength = 500;

    /// <summary>How far ahead of the business clock an agency may date a contact (clock skew).</summary>
    private static readonly TimeSpan ContactClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether the account should be with an agency and is not: active, in the placement stage, owing at
    /// least the strategy's <c>minBalance</c>, nothing stopping placement (dispute, hold) and no
    /// arrangement holding escalation (an open promise, a plan or a settlement in force).
    /// </summary>
    public static bool PlacementDue(AccountState state, Strategy rules) =>
        state.Status == AccountStatus.Active
        && state.Stage == PlacementStage
        && state.Outsourcing.Current is null
        && state.Balance.Total > 0
        && state.Balance.Total >= Effective(state, rules).Placement.MinBalance
        && StoppedBy(state, CollectionActivities.Placement) is null
        && EscalationHeldBy(state) is null;

    /// <summary>The agency the account may not be placed with now: the one it just came back from.</summary>
    public static string? ExcludedAgency(AccountState state) => state.Outsourcing.Last?.AgencyId;

    /// <summary>Places the account with the agency allocation chose, for the strategy's duration.</summary>
    public static Decision Place(AccountState state, string agencyId, decimal commissionRate, DateTimeOffset now, Strategy rules)
    {
        if (!PlacementDue(state, rules))
        {
            return Decision.Reject(RejectionKind.Conflict, "the account is not due for placement");
        }

        if (agencyId == ExcludedAgency(state))
        {
            return Decision.Reject(RejectionKind.Conflict, $"the account just came back from agency '{agencyId}'; it is placed with another one");
        }

        var days = Math.Max(1, Effective(state, rules).Placement.DurationDays);
        var expiresAt = BusinessCalendar.StartOfDay(BusinessCalendar.LocalDate(now, state.Zone).AddDays(days), state.Zone);
        return new Decision([new AccountPlaced(agencyId, expiresAt, days, state.Balance.Total, commissionRate)]);
    }

    /// <summary>The account waits for an agency with room: recorded once, when the wait begins.</summary>
    public static Decision AwaitPlacement(AccountState state, string reason) =>
        state.Outsourcing.WaitingSince is null && state.Outsourcing.Current is null
            ? new Decision([new PlacementAwaited(reason)])
            : Decision.None;

    /// <summary>
    /// The recall that is due now, if any: the account closed (paid in full or otherwise), a dispute
    /// opened, a hold that recalls placements was put on it, it left the placement stage, or the term ran
    /// out. Checked after every change of the account and at every wake, so a recall is never later than
    /// the change that calls for it.
    /// </summary>
    public static ImmutableArray<AccountEventData> PlacementEnds(AccountState state, DateTimeOffset now)
    {
        if (state.Outsourcing.Current is not { } placement)
        {
            return [];
        }

        var recallingHold = state.Holds.FirstOrDefault(h => HoldRules.RecallsPlacement(h.Type));
        (PlacementEndReason Reason, string? Detail)? end =
            state.Status == AccountStatus.Closed
                ? (state.ClosedReason == ClosedReason.Paid ? PlacementEndReason.PaidInFull : PlacementEndReason.Closed, state.ClosedReason?.ToString())
            : state.Dispute is not null ? (PlacementEndReason.Dispute, null)
            : recallingHold is not null ? (PlacementEndReason.Hold, recallingHold.Type.ToString())
            : state.Stage != PlacementStage ? (PlacementEndReason.Escalated, state.Stage?.ToString())
            : now >= placement.ExpiresAt ? (PlacementEndReason.Expired, null)
            : null;

        return end is { } recall
            ? [new PlacementRecalled(placement.AgencyId, recall.Reason, recall.Detail, PlacementStatsOf(state))]
            : [];
    }

    /// <summary>True when the account is placed with <paramref name="agencyId"/> now and nothing recalls it.</summary>
    public static bool IsPlacedWith(AccountState state, string agencyId, DateTimeOffset now) =>
        state.Outsourcing.Current is { } placement && placement.AgencyId == agencyId && PlacementEnds(state, now).IsEmpty;

    /// <summary>
    /// A command of the account's own (a dispute, a hold, a promise…) recorded by <paramref name="actor"/>:
    /// an agency may record it only on its current placement — for any other account it is as if the
    /// account did not exist.
    /// </summary>
    public static Decision AsActor(AccountState state, string actor, DateTimeOffset now, Func<Decision> command) =>
        AgencyOf(actor) is { } agencyId && !IsPlacedWith(state, agencyId, now) ? NotPlacedWith(agencyId) : command();

    /// <summary>The current placement's figures so far (zero when the account is not placed).</summary>
    public static PlacementStats PlacementStatsOf(AccountState state) =>
        state.Outsourcing.Current?.Stats ?? PlacementStats.Zero;

    /// <summary>The agency hands the account back before its term ends.</summary>
    public static Decision ReturnPlacement(AccountState state, string agencyId, string? reason, DateTimeOffset now)
    {
        if (!IsPlacedWith(state, agencyId, now))
        {
            return NotPlacedWith(agencyId);
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReturnReasonLength)
        {
            return Decision.Reject(RejectionKind.Invalid, $"reason is required: why the agency returns the account (at most {MaxReturnReasonLength} characters)");
        }

        return new Decision([new PlacementReturned(agencyId, reason.Trim(), PlacementStatsOf(state))]);
    }

    /// <summary>The compliance policy's context for a contact on this account now.</summary>
    public static ContactContext ContactContextOf(AccountState state, Strategy rules) =>
        state.Person is { } person ? Debtors.DebtorRules.Join(AccountContext(state, rules), person, state.AccountRef) : AccountContext(state, rules);

    /// <summary>The account's own contact context: its rules, history, stops and number.</summary>
    private static ContactContext AccountContext(AccountState state, Strategy rules)
    {
        var stopping = state.Holds.FirstOrDefault(h => h.Type != HoldType.CeaseCommunication && (HoldRules.Stops(h.Type) & CollectionActivities.Contact) != 0);
        return new ContactContext(
            rules.Compliance.Profile,
            state.Zone,
            ContactHistory(state),
            CeaseCommunication: state.Holds.Any(h => h.Type == HoldType.CeaseCommunication),
            DisputeOpen: state.Dispute is not null,
            StoppingHold: stopping?.Type.ToString(),
            Holidays: rules.Compliance.Holidays.IsDefaultOrEmpty ? null : [.. rules.Compliance.Holidays])
        {
            Number = state.Record.Debtor.Phone,
            WrongNumber = state.Record.Debtor.Phone is { } phone && state.WrongNumbers.Contains(phone),
            UnansweredDialsPerDay = rules.Compliance.UnansweredDialsPerDay,
        };
    }

    /// <summary>
    /// A contact the placed agency made, judged by the contact policy at the instant it was made. It happened,
    /// so it is recorded either way: as <c>AgencyContactRecorded</c>, with a promise to pay taken on it made
    /// like any other (<see cref="MakePromise"/>, within the strategy's limits); or, when
    /// <paramref name="verdict"/> names a rule it broke, as <c>ContactViolation</c> — counted toward every cap
    /// and in the agency's violations, and no promise is taken on it. <paramref name="person"/> is the
    /// debtor's verdict for an account with a customerId (as in <see cref="RecordContact"/>).
    /// </summary>
    public static Decision RecordAgencyContact(
        AccountState state,
        string agencyId,
        ContactChannel channel,
        ContactOutcome outcome,
        DateTimeOffset at,
        (decimal Amount, DateOnly DueDate)? promise,
        DateTimeOffset now,
        Strategy rules,
        out ContactDecision? verdict,
        ContactDecision? person = null)
    {
        verdict = null;
        if (!IsPlacedWith(state, agencyId, now))
        {
            return NotPlacedWith(agencyId);
        }

        if (!Enum.IsDefined(channel) || !Enum.IsDefined(outcome))
        {
            return Decision.Reject(RejectionKind.Invalid, "channel and outcome must be known values");
        }

        if (at > now + ContactClockSkew)
        {
            return Decision.Reject(RejectionKind.Invalid, $"at {at:O} is in the future; the business time is {now:O}");
        }

        if (at < state.Outsourcing.Current!.PlacedAt)
        {
            return Decision.Reject(RejectionKind.Invalid, $"at {at:O} is before the placement began ({state.Outsourcing.Current.PlacedAt:O})");
        }

        if (promise is not null && outcome != ContactOutcome.PromiseToPay)
        {
            return Decision.Reject(RejectionKind.Invalid, "a promise is recorded with outcome PromiseToPay");
        }

        verdict = ComplaintStop(state, agencyId) ?? ContactPolicy.Evaluate(person is null ? ContactContextOf(state, rules) : AccountContext(state, rules), channel, at, outcome);
        if (verdict.Allowed && person is { Allowed: false })
        {
            verdict = person;
        }

        if (!verdict.Allowed)
        {
            return new Decision([new ContactViolation(channel, outcome, at, verdict.Rule, verdict.Detail)]);
        }

        var contact = new AgencyContactRecorded(agencyId, channel, outcome, at, verdict.Rule, promise is not null);
        if (promise is not { } promised)
        {
            return new Decision([contact]);
        }

        var contacted = Apply(state, new AccountEvent(state.Version + 1, now, "", contact));
        var made = MakePromise(contacted, promised.Amount, promised.DueDate, now, rules);
        return made.Rejection is not null ? made : new Decision([contact, .. made.Events]);
    }

    /// <summary>
    /// An activity the agency sent with its own id (a line of its activity file): recorded as
    /// <see cref="RecordAgencyContact"/> does, once — the same id again in the same placement, also after
    /// it ended, records nothing.
    /// </summary>
    public static Decision RecordAgencyActivity(
        AccountState state,
        string agencyId,
        string activityId,
        ContactChannel channel,
        ContactOutcome outcome,
        DateTimeOffset at,
        (decimal Amount, DateOnly DueDate)? promise,
        DateTimeOffset now,
        Strategy rules,
        out ContactDecision? verdict,
        ContactDecision? person = null)
    {
        verdict = null;
        if (new[] { state.Outsourcing.Current, state.Outsourcing.Last }.Any(p => p?.AgencyId == agencyId && p.Activities.Contains(activityId)))
        {
            return Decision.None;
        }

        var decision = RecordAgencyContact(state, agencyId, channel, outcome, at, promise, now, rules, out verdict, person);
        return decision with
        {
            Events = [.. decision.Events.Select(e => e switch
            {
                AgencyContactRecorded recorded => recorded with { ActivityId = activityId },
                ContactViolation violation => violation with { ActivityId = activityId },
                _ => e,
            })],
        };
    }

    /// <summary>
    /// A payment the placed agency collected: recorded like any payment (idempotent by its id), and
    /// credited to the agency with its commission. The same id again changes nothing, also after the
    /// payment ended the placement (paid in full), so that an agency may safely retry.
    /// </summary>
    public static Decision PayThroughAgency(AccountState state, string agencyId, string paymentId, decimal amount, DateTimeOffset paidAt, DateTimeOffset now)
    {
        if (!IsPlacedWith(state, agencyId, now))
        {
            return state.Outsourcing.Last is { } last && last.AgencyId == agencyId
                && last.Credited.TryGetValue(paymentId ?? "", out var credited) && credited == amount
                ? Decision.None
                : NotPlacedWith(agencyId);
        }

        var placement = state.Outsourcing.Current!;
        if (paidAt < placement.PlacedAt)
        {
            return Decision.Reject(RejectionKind.Invalid, $"paidAt {paidAt:O} is before the placement began ({placement.PlacedAt:O}); it is not the agency's collection");
        }

        var paid = Pay(state, paymentId, amount, paidAt, now);
        if (paid.Rejection is not null || paid.Events.IsEmpty || paid.Events[0] is not PaymentReceived)
        {
            return paid;
        }

        var minorUnits = Currencies.MinorUnits(state.Record.Currency) ?? 2;
        var commission = Math.Round(amount * placement.CommissionRate, minorUnits, MidpointRounding.AwayFromZero);
        var credit = new PlacementPaymentCredited(agencyId, paymentId, amount, commission);
        return new Decision([paid.Events[0], credit, .. paid.Events[1..]]);
    }

    /// <summary>
    /// When the account must wake for outsourcing: its placement's end, or — while it is due for placement
    /// — the next retry, at growing intervals from <paramref name="retry"/> up to <paramref name="maxRetry"/>
    /// (so that accounts waiting for capacity do not all poll at the first interval forever), or the
    /// start of the next local day when no agency serves it yet.
    /// </summary>
    public static Wake? PlacementWake(AccountState state, Strategy rules, DateTimeOffset now, TimeSpan retry, TimeSpan maxRetry)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return null;
        }

        if (state.Outsourcing.Current is { } placement)
        {
            return new Wake(placement.ExpiresAt, $"placement with {placement.AgencyId} ends");
        }

        if (!PlacementDue(state, rules))
        {
            return null;
        }

        if (state.Outsourcing.WaitingSince is not { } since)
        {
            return new Wake(BusinessCalendar.StartOfDay(BusinessCalendar.LocalDate(now, state.Zone).AddDays(1), state.Zone), "look for an agency serving the account");
        }

        var spacing = retry <= TimeSpan.Zero ? TimeSpan.FromMinutes(1) : retry;
        var max = maxRetry < spacing ? spacing : maxRetry;
        var at = since + spacing;
        while (at <= now && spacing < max)
        {
            spacing = spacing * 2 < max ? spacing * 2 : max;
            at += spacing;
        }

        if (at <= now)
        {
            at += max * Math.Ceiling((now - at) / max + 1e-9);
        }

        return new Wake(at, "retry placement (waiting for agency capacity)");
    }

    /// <summary>The earlier of two wakes.</summary>
    public static Wake? Earliest(Wake? first, Wake? second) =>
        first is null ? second : second is null ? first : second.At < first.At ? second : first;

    private static Decision NotPlacedWith(string agencyId) =>
        Decision.Reject(RejectionKind.NotFound, $"the account is not placed with agency '{agencyId}'");

    /// <summary>Outsourcing's own events.</summary>
    private static AccountState ApplyOutsourcing(AccountState state, AccountEvent e)
    {
        var outsourcing = state.Outsourcing;
        switch (e.Data)
        {
            case AccountPlaced placed:
                return state with
                {
                    Version = e.Seq,
                    Outsourcing = outsourcing with
                    {
                        Current = new Placement(placed.AgencyId, e.Seq, e.At, placed.ExpiresAt, placed.Balance, placed.CommissionRate),
                        Placements = outsourcing.Placements + 1,
                        WaitingSince = null,
                    },
                };
            case PlacementAwaited:
                return state with { Version = e.Seq, Outsourcing = outsourcing with { WaitingSince = e.At } };
            case PlacementRecalled recalled:
                return state with { Version = e.Seq, Outsourcing = Ended(outsourcing, recalled.Reason, recalled.Stats, e.At) };
            case PlacementReturned returned:
                return state with { Version = e.Seq, Outsourcing = Ended(outsourcing, PlacementEndReason.Returned, returned.Stats, e.At) };
            case AgencyContactRecorded contact:
                var recent = outsourcing.RecentContacts
                    .Where(c => c.At > contact.At - Outsourcing.ContactMemory)
                    .Append(Attempt(state, contact.Channel, contact.At, contact.Outcome))
                    .OrderBy(c => c.At)
                    .TakeLast(Outsourcing.MaxRecentContacts);
                return state with
                {
                    Version = e.Seq,
                    WrongNumbers = contact.Outcome == ContactOutcome.WrongNumber ? MarkWrong(state) : state.WrongNumbers,
                    Outsourcing = outsourcing with
                    {
                        RecentContacts = [.. recent],
                        Current = outsourcing.Current is { } current
                            ? current with
                            {
                                Stats = current.Stats with
                                {
                                    ContactAttempts = current.Stats.ContactAttempts + 1,
                                    ContactsReached = current.Stats.ContactsReached + (ContactPolicy.IsEffective(contact.Outcome) ? 1 : 0),
                                    PromisesMade = current.Stats.PromisesMade + (contact.Promised ? 1 : 0),
                                },
                                AgencyPromiseOpen = current.AgencyPromiseOpen || contact.Promised,
                                Activities = contact.ActivityId is { } activity ? current.Activities.Add(activity) : current.Activities,
                            }
                            : null,
                    },
                };
            case PlacementPaymentCredited credit:
                return state with
                {
                    Version = e.Seq,
                    Outsourcing = outsourcing with
                    {
                        Current = outsourcing.Current is { } credited
                            ? credited with
                            {
                                Stats = credited.Stats with
                                {
                                    Collected = credited.Stats.Collected + credit.Amount,
                                    Commission = credited.Stats.Commission + credit.Commission,
                                },
                                Credited = credited.Credited.SetItem(credit.PaymentId, credit.Amount),
                            }
                            : null,
                    },
                };
            default:
                throw Unhandled(e);
        }
    }

    /// <summary>
    /// What other events mean for outsourcing: a promise the agency recorded, the promise the agency took being decided (a promise is
    /// decided before another can be made, so the next decision after the agency's promise is its own),
    /// and the wait for capacity ending once the account closes or leaves the stage.
    /// </summary>
    private static AccountState ObserveOutsourcing(AccountState state, AccountEvent e)
    {
        var outsourcing = state.Outsourcing;
        switch (e.Data)
        {
            // A promise the agency recorded itself (not on an activity, which counted it already).
            case PromiseMade when outsourcing.Current is { AgencyPromiseOpen: false } current && AgencyOf(e.Actor) == current.AgencyId:
                return state with
                {
                    Outsourcing = outsourcing with
                    {
                        Current = current with { AgencyPromiseOpen = true, Stats = current.Stats with { PromisesMade = current.Stats.PromisesMade + 1 } },
                    },
                };
            case PromiseKept or PromiseBroken when outsourcing.Current is { AgencyPromiseOpen: true } current:
                var kept = e.Data is PromiseKept;
                return state with
                {
                    Outsourcing = outsourcing with
                    {
                        Current = current with
                        {
                            AgencyPromiseOpen = false,
                            Stats = current.Stats with
                            {
                                PromisesKept = current.Stats.PromisesKept + (kept ? 1 : 0),
                                PromisesBroken = current.Stats.PromisesBroken + (kept ? 0 : 1),
                            },
                        },
                    },
                };
            // A contact the agency made against a rule: it counts as its attempt and as its violation.
            case ContactViolation violation when outsourcing.Current is { } current && AgencyOf(e.Actor) == current.AgencyId:
                return state with
                {
                    Outsourcing = outsourcing with
                    {
                        Current = current with
                        {
                            Stats = current.Stats with
                            {
                                ContactAttempts = current.Stats.ContactAttempts + 1,
                                ContactsReached = current.Stats.ContactsReached + (ContactPolicy.IsEffective(violation.Outcome) ? 1 : 0),
                                Violations = current.Stats.Violations + 1,
                            },
                            Activities = violation.ActivityId is { } activity ? current.Activities.Add(activity) : current.Activities,
                        },
                    },
                };
            case AccountClosed or AccountReopened or StageEntered when outsourcing.WaitingSince is not null:
                return state with { Outsourcing = outsourcing with { WaitingSince = null } };
            default:
                return state;
        }
    }

    private static Outsourcing Ended(Outsourcing outsourcing, PlacementEndReason reason, PlacementStats stats, DateTimeOffset at) =>
        outsourcing.Current is { } current
            ? outsourcing with { Current = null, Last = current with { Stats = stats, EndReason = reason, EndedAt = at, AgencyPromiseOpen = false } }
            : outsourcing;
}
