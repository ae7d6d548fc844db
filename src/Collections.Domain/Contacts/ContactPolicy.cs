using System.Collections.Immutable;

namespace Collections.Domain.Contacts;

/// <summary>What came of a contact attempt.</summary>
public enum ContactOutcome
{
    NoAnswer,
    Conversation,
    PromiseToPay,
    WrongNumber,
    Refused,
}

/// <summary>
/// A contact attempt already made (or sent) on this debt. <see cref="Number"/> is the phone number a call or
/// SMS went to, when known: the CN soft cap on unanswered dials is counted per number.
/// </summary>
public sealed record ContactAttempt(ContactChannel Channel, DateTimeOffset At, ContactOutcome? Outcome)
{
    public string? Number { get; init; }
}

/// <summary>
/// Everything the policy needs to judge one contact: the rules in force, the debtor's zone and the
/// debt's contact history, and what stops contact altogether. <see cref="OtherAccounts"/> holds the
/// person's contacts on their other accounts (the debtor's): the per-person CN caps count them too, the
/// per-debt US caps do not.
/// </summary>
public sealed record ContactContext(
    ComplianceProfile Profile,
    TimeZoneInfo Zone,
    ImmutableArray<ContactAttempt> History,
    bool CeaseCommunication = false,
    bool DisputeOpen = false,
    string? StoppingHold = null,
    ImmutableHashSet<DateOnly>? Holidays = null)
{
    /// <summary>The person's contacts on their other accounts at the lender (empty for an account without a customerId).</summary>
    public ImmutableArray<ContactAttempt> OtherAccounts { get; init; } = [];

    /// <summary>The phone number calls and SMS go to now.</summary>
    public string? Number { get; init; }

    /// <summary>That number was reported wrong (a third party's): no call or SMS goes to it.</summary>
    public bool WrongNumber { get; init; }

    /// <summary>CN soft cap on unanswered dials per number per local day (strategy <c>compliance.unansweredDialsPerDay</c>).</summary>
    public int UnansweredDialsPerDay { get; init; } = ContactPolicy.DefaultUnansweredDialsPerDay;
}

/// <summary>
/// The verdict on one contact, always with the rule that decided it. <see cref="RetryAt"/> is when the
/// deciding rule stops applying (null when it never does by itself, e.g. cease-communication).
/// </summary>
public sealed record ContactDecision(bool Allowed, string Rule, string Detail, DateTimeOffset? RetryAt)
{
    public static ContactDecision Allow(string detail) => new(true, ContactRules.Allowed, detail, null);
}

/// <summary>Stable names of the rules; they are stored in audit events and answered by the API.</summary>
public static class ContactRules
{
    public const string Allowed = "allowed";
    public const string CeaseCommunication = "ceaseCommunication";
    public const string DisputeOpen = "disputeOpen";
    public const string Hold = "hold";
    public const string Holiday = "holiday";
    public const string TimeWindow = "timeWindow";
    public const string CallAttemptsPer7Days = "callAttemptsPer7Days";
    public const string WaitAfterConversation = "waitAfterConversation";
    public const string EffectiveCallsPerDay = "effectiveCallsPerDay";
    public const string UnansweredDialsPerDay = "unansweredDialsPerDay";
    public const string WrongNumber = "wrong-number";

    /// <summary>A planned contact whose stage the account left before it was due.</summary>
    public const string StageLeft = "stageLeft";

    /// <summary>The account left collections: nobody contacts the debtor about it any more.</summary>
    public const string AccountClosed = "accountClosed";

    /// <summary>A promise is open or a plan or settlement is in force: the plan's collection contacts pause (reminders go out instead).</summary>
    public const string Arrangement = "arrangement";

    /// <summary>A reminder whose promise or plan ended before it was due.</summary>
    public const string ArrangementEnded = "arrangementEnded";

    /// <summary>A planned contact of the segment the account left: the new segment's contact plan replaces it.</summary>
    public const string SegmentChanged = "segmentChanged";

    /// <summary>US: no call before the validation notice has been sent (Regulation F § 1006.34).</summary>
    public const string ValidationNotice = "validationNotice";
}

/// <summary>
/// Contact compliance, in one place: whether a contact may be made on a channel at an instant, and
/// the first instant it may. Profiles:
/// <list type="bullet">
/// <item><b>CN</b>: no contact 22:00–08:00 debtor-local (allowed from 08:00 up to, not including, 22:00);
/// at most 3 effective (connected) calls per local day for the person (all their accounts); at most
/// <see cref="ContactContext.UnansweredDialsPerDay"/> unanswered dials per number per local day (the
/// China Banking Association's 2026 consumer-loan collection guideline).</item>
/// <item><b>US</b> (Regulation F, 12 CFR 1006.14(b)(2)): contact 08:00 up to, not including, 21:00
/// debtor-local; per debt, at most 7 call attempts within 7 consecutive calendar days (debtor-local), and
/// no call within 7 days after a telephone conversation, the date of the conversation being the first
/// day. <c>Refused</c> (the debtor answered and refused) is a conversation.</item>
/// </list>
/// Both: nothing after cease-communication, during an open dispute or under a hold that stops contact;
/// no call or SMS to a number reported wrong; no contact on the lender's holidays. Time windows apply to
/// calls, SMS and email; letters are posted, not rung, so only the stops and holidays apply to them.
/// Caps are judged against every recorded contact, before and after the instant judged: a back-dated
/// contact cannot push a later window past its cap.
/// </summary>
public static class ContactPolicy
{
    public static (TimeOnly From, TimeOnly Until) Window(ComplianceProfile profile) => profile switch
    {
        ComplianceProfile.US => (new TimeOnly(8, 0), new TimeOnly(21, 0)),
        _ => (new TimeOnly(8, 0), new TimeOnly(22, 0)),
    };

    /// <summary>The CN profile's default soft cap on unanswered dials per number per day.</summary>
    public const int DefaultUnansweredDialsPerDay = 6;

    /// <summary>
    /// Judges a contact on <paramref name="channel"/> at <paramref name="at"/>; <paramref name="outcome"/>, when the
    /// contact already happened, lets a back-dated conversation be judged against the calls recorded after it.
    /// </summary>
    public static ContactDecision Evaluate(ContactContext context, ContactChannel channel, DateTimeOffset at, ContactOutcome? outcome = null)
    {
        if (context.CeaseCommunication)
        {
            return Refuse(ContactRules.CeaseCommunication, "the debtor asked us to cease communication", null);
        }

        if (context.DisputeOpen)
        {
            return Refuse(ContactRules.DisputeOpen, "a dispute is open: collection contact stops until it is resolved", null);
        }

        if (context.StoppingHold is { } hold)
        {
            return Refuse(ContactRules.Hold, $"the {hold} hold stops contact", null);
        }

        if (context.WrongNumber && channel is ContactChannel.Call or ContactChannel.Sms)
        {
            return Refuse(ContactRules.WrongNumber, "the phone number on file was reported wrong; calls and SMS wait for another number", null);
        }

        var local = TimeZoneInfo.ConvertTime(at, context.Zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        if (context.Holidays is { } holidays && holidays.Contains(today))
        {
            return Refuse(ContactRules.Holiday, $"{today:yyyy-MM-dd} is a holiday of the lender", WindowStart(context, today.AddDays(1)));
        }

        if (channel != ContactChannel.Letter)
        {
            var (from, until) = Window(context.Profile);
            var time = TimeOnly.FromDateTime(local.DateTime);
            if (time < from)
            {
                return Refuse(ContactRules.TimeWindow, $"{time:HH\\:mm} local is before {from:HH\\:mm} ({context.Profile})", WindowStart(context, today));
            }

            if (time >= until)
            {
                return Refuse(ContactRules.TimeWindow, $"{time:HH\\:mm} local is at or after {until:HH\\:mm} ({context.Profile})", WindowStart(context, today.AddDays(1)));
            }
        }

        if (channel == ContactChannel.Call)
        {
            var refusal = context.Profile == ComplianceProfile.US
                ? RegulationF(context, at, today, outcome)
                : ChinaCaps(context, today);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        return ContactDecision.Allow($"{channel} allowed at {local:yyyy-MM-dd HH:mm} local under {context.Profile}");
    }

    /// <summary>
    /// The first instant at or after <paramref name="from"/> at which the contact is allowed, or null when
    /// a stop (cease-communication, dispute, hold) forbids it until something changes.
    /// </summary>
    public static DateTimeOffset? NextAllowed(ContactContext context, ContactChannel channel, DateTimeOffset from)
    {
        var at = from;
        for (var step = 0; step < 1000; step++)
        {
            var decision = Evaluate(context, channel, at);
            if (decision.Allowed)
            {
                return at;
            }

            if (decision.RetryAt is not { } retry || retry <= at)
            {
                return null;
            }

            at = retry;
        }

        return null;
    }

    /// <summary>
    /// Regulation F per debt, in the consumer's calendar days: every 7 consecutive days that contain
    /// <paramref name="today"/> must hold fewer than 7 calls, and no conversation may fall on today or the 6
    /// days before it (earlier than <paramref name="at"/>); a back-dated conversation must not precede a
    /// call already recorded within its 7 days.
    /// </summary>
    private static ContactDecision? RegulationF(ContactContext context, DateTimeOffset at, DateOnly today, ContactOutcome? outcome)
    {
        var calls = context.History.Where(a => a.Channel == ContactChannel.Call).ToList();
        var perDay = calls.GroupBy(a => LocalDate(context, a.At)).ToDictionary(g => g.Key, g => g.Count());
        DateOnly? fullWindow = null;
        for (var first = today.AddDays(-6); first <= today; first = first.AddDays(1))
        {
            var count = Enumerable.Range(0, 7).Sum(d => perDay.GetValueOrDefault(first.AddDays(d)));
            if (count >= 7)
            {
                fullWindow = first;
            }
        }

        if (fullWindow is { } full)
        {
            return Refuse(ContactRules.CallAttemptsPer7Days, $"7 call attempts already fall within the 7 days from {full:yyyy-MM-dd} (Regulation F, consumer-local days)", WindowStart(context, full.AddDays(7)));
        }

        var conversation = calls.Where(a => IsConversation(a.Outcome) && a.At <= at && LocalDate(context, a.At) >= today.AddDays(-6))
            .OrderByDescending(a => a.At).FirstOrDefault();
        if (conversation is not null)
        {
            var day = LocalDate(context, conversation.At);
            return Refuse(ContactRules.WaitAfterConversation, $"a telephone conversation took place on {day:yyyy-MM-dd}, the first of 7 days without calls (Regulation F)", WindowStart(context, day.AddDays(7)));
        }

        if (IsConversation(outcome) && calls.FirstOrDefault(a => a.At > at && LocalDate(context, a.At) <= today.AddDays(6)) is { } later)
        {
            return Refuse(ContactRules.WaitAfterConversation, $"a call is already recorded at {later.At:O}, within 7 days after this conversation (Regulation F)", null);
        }

        return null;
    }

    /// <summary>
    /// The CN profile's daily caps for the person, on the consumer's local day: 3 effective calls across all
    /// their accounts, and the soft cap on unanswered dials to the number called.
    /// </summary>
    private static ContactDecision? ChinaCaps(ContactContext context, DateOnly today)
    {
        var calls = context.History.Concat(context.OtherAccounts)
            .Where(a => a.Channel == ContactChannel.Call && LocalDate(context, a.At) == today)
            .ToList();
        var tomorrow = WindowStart(context, today.AddDays(1));
        if (calls.Count(a => IsEffective(a.Outcome)) >= 3)
        {
            return Refuse(ContactRules.EffectiveCallsPerDay, "3 effective calls were already made to this person today (local)", tomorrow);
        }

        var unanswered = calls.Count(a => !IsEffective(a.Outcome) && a.Number == context.Number);
        if (unanswered >= context.UnansweredDialsPerDay)
        {
            return Refuse(ContactRules.UnansweredDialsPerDay, $"{unanswered} unanswered dials to this number today (local); the cap is {context.UnansweredDialsPerDay}", tomorrow);
        }

        return null;
    }

    /// <summary>A telephone conversation under Regulation F: the debtor answered, whatever was said (also a refusal).</summary>
    public static bool IsConversation(ContactOutcome? outcome) =>
        outcome is ContactOutcome.Conversation or ContactOutcome.PromiseToPay or ContactOutcome.Refused;

    /// <summary>An effective call reached the debtor: a connected call, whatever was said.</summary>
    public static bool IsEffective(ContactOutcome? outcome) =>
        outcome is ContactOutcome.Conversation or ContactOutcome.PromiseToPay or ContactOutcome.Refused;

    private static DateOnly LocalDate(ContactContext context, DateTimeOffset at) => BusinessCalendar.LocalDate(at, context.Zone);

    private static DateTimeOffset WindowStart(ContactContext context, DateOnly date) =>
        BusinessCalendar.At(date, Window(context.Profile).From, context.Zone);

    private static ContactDecision Refuse(string rule, string detail, DateTimeOffset? retryAt) => new(false, rule, detail, retryAt);
}
