using System.Collections.Immutable;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Domain.Strategies;

namespace Collections.Domain.Accounts;

/// <summary>
/// Contact orchestration: the strategy's contact plan turned into contacts, each at the first moment the
/// contact policy allows in the debtor's zone, and each recorded whatever becomes of it —
/// <c>ContactPlanned</c>, then <c>ContactDispatchRequested</c> (the outbox) or <c>ContactSuppressed</c> with
/// the rule; a dispatched one then <c>ContactSent</c> or <c>ContactDispatchFailed</c>, and the gateway's
/// results (<c>ContactResultReceived</c>). The lender's team's own contacts are checked by the same policy
/// (<see cref="RecordContact"/>), and every contact counts towards the same caps.
/// </summary>
public static partial class AccountLifecycle
{
    /// <summary>
    /// What the contact plan calls for at <paramref name="now"/>: planned contacts that can no longer be made
    /// (the account closed or left their stage) suppressed; due ones dispatched or suppressed by the policy;
    /// the next contact of each step of the current stage planned. Planning pauses while a stop
    /// (cease-communication, a dispute, a stopping hold) applies, so a long dispute records one suppression
    /// per step rather than one a day; it resumes, from the debtor's today, once the stop is lifted.
    /// </summary>
    public static ImmutableArray<AccountEventData> DueContacts(AccountState state, DateTimeOffset now, Strategy rules)
    {
        rules = Effective(state, rules);
        var pending = new Pending(state, now);
        foreach (var planned in state.Contacts.Planned)
        {
            if (state.Status == AccountStatus.Closed)
            {
                pending.Add(new ContactSuppressed(planned.Id, planned.Channel, planned.Stage, ContactRules.AccountClosed, $"the account left collections ({state.ClosedReason})"));
            }
            else if (planned.Stage != state.Stage)
            {
                pending.Add(new ContactSuppressed(planned.Id, planned.Channel, planned.Stage, ContactRules.StageLeft, $"the account left {planned.Stage} for {state.Stage?.ToString() ?? "no stage"} before the contact was due"));
            }
            else if (planned.Step != ReminderStep && state.Contacts.PlanSegment != state.Segment)
            {
                pending.Add(new ContactSuppressed(planned.Id, planned.Channel, planned.Stage, ContactRules.SegmentChanged, $"the account moved from segment {state.Contacts.PlanSegment ?? "(none)"} to {state.Segment ?? "(none)"}, whose contact plan replaces this one"));
            }
        }

        if (state.Status == AccountStatus.Closed || state.Stage is null)
        {
            return pending.Events;
        }

        // Each round either plans a step's next contact or settles a due one; a step's next contact is
        // planned for a later day than the one settled, so two rounds per step suffice.
        for (var round = 0; round <= 2 * rules.ContactPlan.Length; round++)
        {
            var before = pending.State.Version;
            PlanNextContacts(pending, now, rules);
            SettleDueContacts(pending, now, rules);
            if (pending.State.Version == before)
            {
                break;
            }
        }

        return pending.Events;
    }

    /// <summary>
    /// When the account must wake for its contacts: the first moment a planned contact may go out (were
    /// nothing stopping contact: at that moment a stop suppresses it, with its rule), or, while the outbox
    /// holds a contact whose result is not recorded, <paramref name="dispatchGrace"/> after it was requested.
    /// The grace is the time the dispatcher gets to send it before the wake does: an account that sends in
    /// the same turn as it requests (the grain) passes its retry interval, so that the wake is a safety net
    /// for a silo lost mid-send rather than a tick that only finds the contact sent.
    /// </summary>
    public static Wake? ContactWake(AccountState state, Strategy rules, DateTimeOffset now, TimeSpan dispatchGrace = default)
    {
        Wake? earliest = null;
        if (!state.Contacts.Outbox.IsEmpty)
        {
            earliest = new Wake(state.Contacts.Outbox.Min(p => p.RequestedAt) + dispatchGrace, "dispatch pending contacts");
        }

        if (state.Status == AccountStatus.Closed && !state.Contacts.Planned.IsEmpty)
        {
            return Earliest(earliest, new Wake(now, "suppress the planned contacts of a closed account"));
        }

        rules = Effective(state, rules);
        var context = Stopless(ContactContextOf(state, rules));
        foreach (var planned in state.Contacts.Planned)
        {
            if (planned.Channel == ContactChannel.Call && CallsAwaitValidationNotice(state, rules))
            {
                // The notice's own dispatch is a change of the account, which looks again.
                continue;
            }

            var dayStart = BusinessCalendar.StartOfDay(planned.Day, state.Zone);
            if (ContactPolicy.NextAllowed(context, planned.Channel, dayStart > now ? dayStart : now) is { } at)
            {
                earliest = Earliest(earliest, new Wake(at, $"{planned.Stage} {planned.Channel} contact"));
            }
        }

        return earliest;
    }

    /// <summary>May the account be contacted on <paramref name="channel"/> at <paramref name="at"/>, and if not, by which rule and from when.</summary>
    public static (ContactDecision Decision, DateTimeOffset? NextAllowedAt) ContactPermission(AccountState state, ContactChannel channel, DateTimeOffset at, Strategy rules)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return (new ContactDecision(false, ContactRules.AccountClosed, $"the account left collections ({state.ClosedReason})", null), null);
        }

        rules = Effective(state, rules);
        var context = ContactContextOf(state, rules);
        var decision = ContactPolicy.Evaluate(context, channel, at);
        if (decision.Allowed && channel == ContactChannel.Call && CallsAwaitValidationNotice(state, rules))
        {
            // The law's own refusals (a stop, the window, a holiday) are answered first: they say more.
            return (new ContactDecision(false, ContactRules.ValidationNotice, "the validation notice has not been sent yet: no call before it (US)", null), null);
        }

        return (decision, decision.Allowed ? at : ContactPolicy.NextAllowed(context, channel, at));
    }

    /// <summary>
    /// A contact the lender's own team made, judged by the contact policy at the instant it was made against
    /// every contact recorded (before and after it). It happened, so it is recorded either way: as
    /// <c>ContactRecorded</c>, or, when <paramref name="verdict"/> names a rule it broke, as <c>ContactViolation</c>;
    /// both count towards every cap after it. A closed account refuses first. <paramref name="person"/> is the
    /// debtor's verdict (it judged the contact with the person's other accounts), for an account with a customerId.
    /// </summary>
    public static Decision RecordContact(
        AccountState state,
        ContactChannel channel,
        ContactOutcome outcome,
        DateTimeOffset at,
        DateTimeOffset now,
        Strategy rules,
        out ContactDecision? verdict,
        ContactDecision? person = null)
    {
        verdict = null;
        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "a contact");
        }

        if (!Enum.IsDefined(channel) || !Enum.IsDefined(outcome))
        {
            return Decision.Reject(RejectionKind.Invalid, "channel and outcome must be known values");
        }

        if (at > now + ContactClockSkew)
        {
            return Decision.Reject(RejectionKind.Invalid, $"at {at:O} is in the future; the business time is {now:O}");
        }

        if (at < now - Outsourcing.ContactMemory)
        {
            return Decision.Reject(RejectionKind.Invalid, $"at {at:O} is more than {Outsourcing.ContactMemory.TotalDays:0} days ago; record contacts as they are made");
        }

        // The debtor judged the person's rules with every contact of the person, this one's rivals included:
        // the account adds only its own (per-debt) rules, or a rival recorded first would refuse both.
        verdict = ContactPolicy.Evaluate(person is null ? ContactContextOf(state, rules) : AccountContext(state, rules), channel, at, outcome);
        if (verdict.Allowed && person is { Allowed: false })
        {
            verdict = person;
        }

        return verdict.Allowed
            ? new Decision([new ContactRecorded(channel, outcome, at, verdict.Rule)])
            : new Decision([new ContactViolation(channel, outcome, at, verdict.Rule, verdict.Detail)]);
    }

    /// <summary>The gateway accepted a contact of the outbox; a result it gave at once is recorded with it.</summary>
    public static Decision RecordContactSent(AccountState state, long contactId, string gateway, string? reference, string? preview, (ContactResultStatus Status, ContactOutcome? Outcome)? result, DateTimeOffset now)
    {
        if (state.Contacts.Outbox.FirstOrDefault(p => p.Id == contactId) is not { } dispatch)
        {
            return Decision.None;
        }

        var sent = new ContactSent(contactId, dispatch.Channel, gateway, reference, preview);
        return result is { } r
            ? new Decision([sent, new ContactResultReceived(contactId, dispatch.Channel, r.Status, r.Outcome, now, null)])
            : new Decision([sent]);
    }

    /// <summary>The gateway refused a contact of the outbox, or the dispatcher gave up on it.</summary>
    public static Decision RecordDispatchFailure(AccountState state, long contactId, string gateway, string reason) =>
        state.Contacts.Outbox.FirstOrDefault(p => p.Id == contactId) is { } dispatch
            ? new Decision([new ContactDispatchFailed(contactId, dispatch.Channel, gateway, reason)])
            : Decision.None;

    /// <summary>
    /// A gateway's result for a contact. The same status again changes nothing (gateways retry). A result
    /// for a contact still in the outbox (its acceptance was never recorded: a silo was lost in between)
    /// records it as sent first, so it is not sent again.
    /// </summary>
    public static Decision RecordContactResult(
        AccountState state, long contactId, ContactResultStatus status, ContactOutcome? outcome, DateTimeOffset? at, string? detail, string gateway, DateTimeOffset now)
    {
        if (!Enum.IsDefined(status) || (outcome is { } o && !Enum.IsDefined(o)))
        {
            return Decision.Reject(RejectionKind.Invalid, "status and outcome must be known values");
        }

        if (detail is { Length: > 500 })
        {
            return Decision.Reject(RejectionKind.Invalid, "detail is at most 500 characters");
        }

        var when = at ?? now;
        if (when > now + ContactClockSkew)
        {
            return Decision.Reject(RejectionKind.Invalid, $"at {when:O} is in the future; the business time is {now:O}");
        }

        var outboxed = state.Contacts.Outbox.FirstOrDefault(p => p.Id == contactId);
        var dispatched = state.Contacts.Dispatched.FirstOrDefault(d => d.Id == contactId);
        var channel = outboxed?.Channel ?? dispatched?.Channel;
        if (channel is null)
        {
            return Decision.Reject(RejectionKind.NotFound, $"the account has no dispatched contact {contactId} (or it is older than the last {ContactLog.MaxDispatched})");
        }

        if (outcome is not null && channel != ContactChannel.Call)
        {
            return Decision.Reject(RejectionKind.Invalid, "an outcome is reported for calls only");
        }

        if (dispatched is not null && dispatched.Results.Contains(status))
        {
            return Decision.None;
        }

        var text = string.IsNullOrWhiteSpace(detail) ? null : detail.Trim();
        var result = new ContactResultReceived(contactId, channel.Value, status, outcome, when, text);
        return outboxed is not null
            ? new Decision([new ContactSent(contactId, channel.Value, gateway, null, "confirmed by the gateway's result"), result])
            : new Decision([result]);
    }

    /// <summary>The idempotency key a contact is always sent with: unique to the account and the contact, for ever.</summary>
    public static string ContactIdempotencyKey(AccountState state, long contactId) => $"{state.LenderId}/{state.AccountRef}/contacts/{contactId}";

    /// <summary>Every contact attempt on this debt within the caps' window: the engine's, the lender's team's and the agency's.</summary>
    public static ImmutableArray<ContactAttempt> ContactHistory(AccountState state) =>
        state.Outsourcing.RecentContacts.IsEmpty ? state.Contacts.Recent : [.. state.Contacts.Recent.Concat(state.Outsourcing.RecentContacts).OrderBy(c => c.At)];

    private static ContactContext Stopless(ContactContext context) =>
        context with { CeaseCommunication = false, DisputeOpen = false, StoppingHold = null, WrongNumber = false };

    /// <summary>The step of a reminder before a promise or installment date: not a step of the contact plan.</summary>
    public const int ReminderStep = -1;

    /// <summary>The step of the US validation notice: the account's first contact, before any of the plan.</summary>
    public const int ValidationNoticeStep = -2;

    /// <summary>Business days assumed for the notice to reach the debtor, before the 30 days of the validation period run.</summary>
    public const int ValidationReceiptBusinessDays = 5;

    public const int ValidationPeriodDays = 30;

    /// <summary>US: calls wait until the validation notice has been sent.</summary>
    public static bool CallsAwaitValidationNotice(AccountState state, Strategy rules) =>
        rules.Compliance.Profile == ComplianceProfile.US && state.Contacts.ValidationNoticeSentAt is null;

    /// <summary>
    /// The last day of the validation period of a notice sent at <paramref name="sentAt"/>: receipt assumed
    /// 5 business days (Monday to Friday, not the lender's holidays) after sending, then 30 days.
    /// </summary>
    public static DateOnly ValidationEndsOn(DateTimeOffset sentAt, TimeZoneInfo zone, Strategy rules)
    {
        var day = BusinessCalendar.LocalDate(sentAt, zone);
        for (var counted = 0; counted < ValidationReceiptBusinessDays;)
        {
            day = day.AddDays(1);
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !rules.Compliance.Holidays.Contains(day))
            {
                counted++;
            }
        }

        return day.AddDays(ValidationPeriodDays);
    }

    /// <summary>The end of the account's validation period, once its notice was sent.</summary>
    public static DateOnly? ValidationEndsOn(AccountState state, Strategy rules) =>
        state.Contacts.ValidationNoticeSentAt is { } sent ? ValidationEndsOn(sent, state.Zone, rules) : null;

    /// <summary>
    /// What a contact of the outbox carries: the itemised amounts, the oldest due date and DPD, the next
    /// stage and its date if nothing is paid, the address for a letter, the template, and under the US
    /// profile the end of the validation period (for the notice itself: as if it reached the debtor on time).
    /// </summary>
    public static ContactContent ContentOf(AccountState state, PendingDispatch dispatch, DateTimeOffset now, Strategy rules)
    {
        rules = Effective(state, rules);
        var (next, nextOn) = NextStageIfUnpaid(state, rules);
        DateOnly? disputeBy = rules.Compliance.Profile != ComplianceProfile.US ? null
            : state.Contacts.ValidationNoticeId == dispatch.Id ? ValidationEndsOn(now, state.Zone, rules)
            : ValidationEndsOn(state, rules);
        return new ContactContent(
            dispatch.TemplateId,
            state.Record.Currency,
            state.Balance,
            state.Arrears,
            state.Record.DueDate,
            Math.Max(0, state.DaysPastDue(now)),
            next,
            nextOn,
            dispatch.Channel == ContactChannel.Letter ? state.Record.Debtor.Address : null,
            disputeBy,
            dispatch.PortalLink ? state.Contacts.Outbox.FirstOrDefault(p => p.Id == dispatch.Id)?.Link : null);
    }

    /// <summary>A promise is open, or a plan or a settlement is in force: the debtor is paying, so dunning pauses.</summary>
    public static bool ArrangementInForce(AccountState state) =>
        state.Promise is not null || state.Plan is { Status: ApprovalStatus.Active } || state.Settlement is { Status: ApprovalStatus.Active };

    private static void PlanNextContacts(Pending pending, DateTimeOffset now, Strategy rules)
    {
        var state = pending.State;
        var context = ContactContextOf(state, rules);
        if (context.CeaseCommunication || context.DisputeOpen || context.StoppingHold is not null || state.StageEnteredAt is not { } entered)
        {
            return;
        }

        var entryDay = BusinessCalendar.LocalDate(entered, state.Zone);
        PlanValidationNotice(pending, now, rules, entryDay);
        PlanReminder(pending, now, rules, entryDay);
        if (ArrangementInForce(state))
        {
            return;
        }

        var todayOffset = BusinessCalendar.LocalDate(now, state.Zone).DayNumber - entryDay.DayNumber;
        var progress = state.Contacts.CadenceOf == entered && state.Contacts.PlanSegment == state.Segment ? state.Contacts.LastOffsets : ImmutableDictionary<int, int>.Empty;
        for (var index = 0; index < rules.ContactPlan.Length; index++)
        {
            var step = rules.ContactPlan[index];
            if (step.Stage != state.Stage || pending.State.Contacts.Planned.Any(p => p.Step == index))
            {
                continue;
            }

            int? last = progress.TryGetValue(index, out var l) ? l : null;
            if (NextOffset(step, last, todayOffset) is not { } offset)
            {
                continue;
            }

            var day = entryDay.AddDays(offset);
            var dayStart = BusinessCalendar.StartOfDay(day, state.Zone);
            var first = ContactPolicy.NextAllowed(ContactContextOf(pending.State, rules), step.Channel, dayStart > now ? dayStart : now);
            pending.Add(new ContactPlanned(index, step.Stage, step.Channel, offset, day, first));
        }
    }

    /// <summary>
    /// The next reminder of the arrangement in force: <c>negotiation.reminderDaysBefore</c> days before the
    /// promise's date and each installment not yet met, on the first such day from today after the last
    /// reminder planned; one at a time.
    /// </summary>
    private static void PlanReminder(Pending pending, DateTimeOffset now, Strategy rules, DateOnly entryDay)
    {
        var state = pending.State;
        if (!ArrangementInForce(state) || state.Contacts.Planned.Any(p => p.Step == ReminderStep))
        {
            return;
        }

        var today = BusinessCalendar.LocalDate(now, state.Zone);
        var last = state.Contacts.LastReminderDay;
        var days = ArrangementDates(state)
            .SelectMany(date => rules.Negotiation.ReminderDaysBefore.Select(before => date.AddDays(-before)))
            .Where(day => day >= today && (last is null || day > last))
            .Order()
            .Take(1)
            .ToList();
        if (days is not [var reminder])
        {
            return;
        }

        var channel = rules.Negotiation.ReminderChannel;
        var dayStart = BusinessCalendar.StartOfDay(reminder, state.Zone);
        var first = ContactPolicy.NextAllowed(ContactContextOf(state, rules), channel, dayStart > now ? dayStart : now);
        pending.Add(new ContactPlanned(ReminderStep, state.Stage!.Value, channel, reminder.DayNumber - entryDay.DayNumber, reminder, first));
    }

    /// <summary>
    /// US: the validation notice, planned for today as the account's first contact — by e-mail when the
    /// record has an address for it, else by letter — and again if it could not be sent.
    /// </summary>
    private static void PlanValidationNotice(Pending pending, DateTimeOffset now, Strategy rules, DateOnly entryDay)
    {
        var state = pending.State;
        if (rules.Compliance.Profile != ComplianceProfile.US || state.Contacts.ValidationNoticeSentAt is not null || state.Contacts.ValidationNoticeId is not null)
        {
            return;
        }

        var channel = state.Record.Debtor.Email is null ? ContactChannel.Letter : ContactChannel.Email;
        var today = BusinessCalendar.LocalDate(now, state.Zone);
        var first = ContactPolicy.NextAllowed(ContactContextOf(state, rules), channel, now);
        pending.Add(new ContactPlanned(ValidationNoticeStep, state.Stage!.Value, channel, today.DayNumber - entryDay.DayNumber, today, first));
    }

    /// <summary>The dates the debtor has agreed to pay on: the promise's, and each installment of the plan not yet met.</summary>
    private static IEnumerable<DateOnly> ArrangementDates(AccountState state)
    {
        if (state.Promise is { } promise)
        {
            yield return promise.DueDate;
        }

        if (state.Plan is { Status: ApprovalStatus.Active } plan)
        {
            var cumulative = 0m;
            foreach (var installment in plan.Terms.Installments)
            {
                cumulative += installment.Amount;
                if (plan.Paid < cumulative)
                {
                    yield return installment.DueDate;
                }
            }
        }
    }

    /// <summary>The step's next day offset after <paramref name="last"/>, not before today (a missed day is not made up).</summary>
    private static int? NextOffset(ContactPlanStep step, int? last, int todayOffset)
    {
        if (step.EveryDays is { } every)
        {
            var next = last is { } previous ? previous + every : 0;
            return Math.Max(next, todayOffset);
        }

        foreach (var offset in step.DayOffsets)
        {
            if ((last is null || offset > last) && offset >= todayOffset)
            {
                return offset;
            }
        }

        return null;
    }

    private static void SettleDueContacts(Pending pending, DateTimeOffset now, Strategy rules)
    {
        foreach (var planned in pending.State.Contacts.Planned)
        {
            var state = pending.State;
            if (now < BusinessCalendar.StartOfDay(planned.Day, state.Zone)
                || (planned.Channel == ContactChannel.Call && CallsAwaitValidationNotice(state, rules)))
            {
                continue;
            }

            var context = ContactContextOf(state, rules);
            if (!ContactPolicy.Evaluate(Stopless(context), planned.Channel, now).Allowed)
            {
                // Outside the window, on a holiday or above a cap: it waits for the first moment allowed.
                continue;
            }

            var verdict = ContactPolicy.Evaluate(context, planned.Channel, now);
            var reminder = planned.Step == ReminderStep;
            if (verdict.Allowed && planned.Step != ValidationNoticeStep && reminder != ArrangementInForce(state))
            {
                verdict = reminder
                    ? new ContactDecision(false, ContactRules.ArrangementEnded, "the promise or plan this reminder was for ended before it was due", null)
                    : new ContactDecision(false, ContactRules.Arrangement, $"{EscalationHeldBy(state) ?? "an arrangement"} is in force: collection contacts pause while the debtor pays", null);
            }

            var template = reminder ? $"Reminder.{planned.Channel}"
                : planned.Step == ValidationNoticeStep ? $"ValidationNotice.{planned.Channel}"
                : planned.Step < rules.ContactPlan.Length ? rules.ContactPlan[planned.Step].TemplateId
                : ContactPlanStep.DefaultTemplate(planned.Stage, planned.Channel);
            var portalLink = !reminder && planned.Step != ValidationNoticeStep && planned.Step < rules.ContactPlan.Length && rules.ContactPlan[planned.Step].PortalLink;
            pending.Add(verdict.Allowed
                ? new ContactDispatchRequested(planned.Id, planned.Channel, planned.Stage, ContactIdempotencyKey(state, planned.Id), verdict.Rule, template, portalLink)
                : new ContactSuppressed(planned.Id, planned.Channel, planned.Stage, verdict.Rule, verdict.Detail));
        }
    }

    /// <summary>The contact plan, the outbox and the contacts made.</summary>
    private static AccountState ApplyContacts(AccountState state, AccountEvent e)
    {
        var log = state.Contacts;
        var next = e.Data switch
        {
            ContactPlanned { Step: ValidationNoticeStep } notice => log with
            {
                Planned = log.Planned.Add(new PlannedContact(e.Seq, notice.Step, notice.Stage, notice.Channel, notice.DayOffset, notice.Day)),
                ValidationNoticeId = e.Seq,
            },
            ContactPlanned { Step: ReminderStep } reminder => log with
            {
                Planned = log.Planned.Add(new PlannedContact(e.Seq, reminder.Step, reminder.Stage, reminder.Channel, reminder.DayOffset, reminder.Day)),
                LastReminderDay = reminder.Day,
            },
            ContactPlanned planned => log with
            {
                Planned = log.Planned.Add(new PlannedContact(e.Seq, planned.Step, planned.Stage, planned.Channel, planned.DayOffset, planned.Day)),
                CadenceOf = state.StageEnteredAt,
                PlanSegment = state.Segment,
                LastOffsets = (log.CadenceOf == state.StageEnteredAt && log.PlanSegment == state.Segment ? log.LastOffsets : ImmutableDictionary<int, int>.Empty)
                    .SetItem(planned.Step, planned.DayOffset),
            },
            ContactSuppressed suppressed => log with
            {
                Planned = log.Planned.RemoveAll(p => p.Id == suppressed.ContactId),
                LastOffsets = Handled(state, suppressed.ContactId, e.At),
                ValidationNoticeId = log.ValidationNoticeId == suppressed.ContactId ? null : log.ValidationNoticeId,
            },
            ContactDispatchRequested requested => log with
            {
                Planned = log.Planned.RemoveAll(p => p.Id == requested.ContactId),
                LastOffsets = Handled(state, requested.ContactId, e.At),
                Outbox = log.Outbox.Add(new PendingDispatch(requested.ContactId, requested.Channel, requested.Stage, requested.IdempotencyKey, e.At, requested.Template, requested.PortalLink)),
                Recent = Remember(log.Recent, Attempt(state, requested.Channel, e.At, null), e.At),
            },
            ContactSent sent => Dispatched(log, sent.ContactId, ContactDispatchStatus.Sent) is var delivered && log.ValidationNoticeId == sent.ContactId
                ? delivered with { ValidationNoticeId = null, ValidationNoticeSentAt = e.At }
                : delivered,
            ContactDispatchFailed failed => Dispatched(log, failed.ContactId, ContactDispatchStatus.Failed) with
            {
                // A notice that could not be sent is planned again.
                ValidationNoticeId = log.ValidationNoticeId == failed.ContactId ? null : log.ValidationNoticeId,
            },
            ContactResultReceived result => log with
            {
                Dispatched = log.Dispatched.Select(d => d.Id == result.ContactId ? d with { Results = d.Results.Add(result.Status) } : d).ToImmutableArray(),
                Recent = result.Outcome is { } outcome && log.Dispatched.FirstOrDefault(d => d.Id == result.ContactId) is { } contact
                    ? [.. log.Recent.Select(a => a.Channel == contact.Channel && a.At == contact.RequestedAt && a.Outcome is null ? a with { Outcome = outcome } : a)]
                    : log.Recent,
            },
            ContactRecorded recorded => log with { Recent = Remember(log.Recent, Attempt(state, recorded.Channel, recorded.At, recorded.Outcome), e.At) },
            ContactViolation violation => log with { Recent = Remember(log.Recent, Attempt(state, violation.Channel, violation.At, violation.Outcome), e.At) },
            _ => throw Unhandled(e),
        };

        var reported = e.Data switch
        {
            ContactRecorded recorded => recorded.Outcome,
            ContactViolation violation => violation.Outcome,
            ContactResultReceived result => result.Outcome,
            _ => null,
        };
        return state with
        {
            Version = e.Seq,
            Contacts = next,
            WrongNumbers = reported == ContactOutcome.WrongNumber ? MarkWrong(state) : state.WrongNumbers,
            Violations = e.Data is ContactViolation ? state.Violations.SetItem(e.Actor, state.Violations.GetValueOrDefault(e.Actor) + 1) : state.Violations,
        };
    }

    /// <summary>A contact attempt on the number on file (calls and SMS go to it).</summary>
    public static ContactAttempt Attempt(AccountState state, ContactChannel channel, DateTimeOffset at, ContactOutcome? outcome) =>
        new(channel, at, outcome) { Number = channel is ContactChannel.Call or ContactChannel.Sms ? state.Record.Debtor.Phone : null };

    /// <summary>The number on file joins the wrong numbers (the latest <see cref="AccountState.MaxWrongNumbers"/> are kept).</summary>
    private static ImmutableArray<string> MarkWrong(AccountState state) =>
        state.Record.Debtor.Phone is not { } phone || state.WrongNumbers.Contains(phone)
            ? state.WrongNumbers
            : [.. state.WrongNumbers.Add(phone).TakeLast(AccountState.MaxWrongNumbers)];

    /// <summary>
    /// The cadence's progress once a planned contact is settled on the debtor-local day of <paramref name="at"/>:
    /// a contact that waited past its day (window, cap, holiday) moves its step on to that day, so the step's
    /// next contact comes after it rather than on the same day.
    /// </summary>
    private static ImmutableDictionary<int, int> Handled(AccountState state, long contactId, DateTimeOffset at)
    {
        var log = state.Contacts;
        if (log.Planned.FirstOrDefault(p => p.Id == contactId) is not { } planned || planned.Step == ReminderStep
            || log.CadenceOf is not { } entered || entered != state.StageEnteredAt || planned.Stage != state.Stage || log.PlanSegment != state.Segment)
        {
            return log.LastOffsets;
        }

        var handled = BusinessCalendar.LocalDate(at, state.Zone).DayNumber - BusinessCalendar.LocalDate(entered, state.Zone).DayNumber;
        var last = log.LastOffsets.TryGetValue(planned.Step, out var l) ? l : planned.DayOffset;
        return log.LastOffsets.SetItem(planned.Step, Math.Max(Math.Max(last, planned.DayOffset), handled));
    }

    private static ContactLog Dispatched(ContactLog log, long contactId, ContactDispatchStatus status)
    {
        if (log.Outbox.FirstOrDefault(p => p.Id == contactId) is not { } dispatch)
        {
            return log;
        }

        var dispatched = log.Dispatched.Add(new DispatchedContact(contactId, dispatch.Channel, dispatch.RequestedAt, status));
        return log with
        {
            Outbox = log.Outbox.RemoveAll(p => p.Id == contactId),
            Dispatched = dispatched.Length > ContactLog.MaxDispatched ? dispatched.RemoveRange(0, dispatched.Length - ContactLog.MaxDispatched) : dispatched,
        };
    }

    private static ImmutableArray<ContactAttempt> Remember(ImmutableArray<ContactAttempt> recent, ContactAttempt attempt, DateTimeOffset now) =>
    [
        .. recent.Where(c => c.At > now - Outsourcing.ContactMemory)
            .Append(attempt)
            .OrderBy(c => c.At)
            .TakeLast(Outsourcing.MaxRecentContacts),
    ];
}
