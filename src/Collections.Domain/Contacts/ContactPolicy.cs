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

/// <summary>A contact attempt already made (or sent) on this debt.</summary>
public sealed record ContactAttempt(ContactChannel Channel, DateTimeOffset At, ContactOutcome? Outcome);

/// <summary>
/// Everything the policy needs to judge one contact: the rules in force, the debtor's zone and the
/// debt's contact history, and what stops contact altogether.
/// </summary>
public sealed record ContactContext(
    ComplianceProfile Profile,
    TimeZoneInfo Zone,
    ImmutableArray<ContactAttempt> History,
    bool CeaseCommunication = false,
    bool DisputeOpen = false,
    string? StoppingHold = null,
    ImmutableHashSet<DateOnly>? Holidays = null);

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
/// at most 3 effective (connected) calls per local day.</item>
/// <item><b>US</b> (Regulation F): contact 08:00 up to, not including, 21:00 debtor-local; at most 7
/// call attempts within 7 days (a rolling 168 hours) per debt; no call within 7 days after a telephone
/// conversation about the debt.</item>
/// </list>
/// Both: nothing after cease-communication, during an open dispute or under a hold that stops contact;
/// no contact on the lender's holidays. Time windows apply to calls, SMS and email; letters are posted,
/// not rung, so only the stops and holidays apply to them.
/// </summary>
public static class ContactPolicy
{
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    public static (TimeOnly From, TimeOnly Until) Window(ComplianceProfile profile) => profile switch
    {
        ComplianceProfile.US => (new TimeOnly(8, 0), new TimeOnly(21, 0)),
        _ => (new TimeOnly(8, 0), new TimeOnly(22, 0)),
    };

    public static ContactDecision Evaluate(ContactContext context, ContactChannel channel, DateTimeOffset at)
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
            var calls = context.History.Where(a => a.Channel == ContactChannel.Call && a.At <= at).ToList();
            if (context.Profile == ComplianceProfile.US)
            {
                var recent = calls.Where(a => a.At > at - Week).OrderBy(a => a.At).ToList();
                if (recent.Count >= 7)
                {
                    return Refuse(ContactRules.CallAttemptsPer7Days, "7 call attempts were made in the last 7 days (Regulation F)", recent[^7].At + Week);
                }

                if (calls.Where(a => a.Outcome is ContactOutcome.Conversation or ContactOutcome.PromiseToPay && a.At > at - Week)
                        .OrderByDescending(a => a.At).FirstOrDefault() is { } conversation)
                {
                    return Refuse(ContactRules.WaitAfterConversation, $"a telephone conversation took place at {conversation.At:O}; no call for 7 days after it (Regulation F)", conversation.At + Week);
                }
            }
            else
            {
                var effectiveToday = calls.Count(a => IsEffective(a.Outcome) && DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(a.At, context.Zone).DateTime) == today);
                if (effectiveToday >= 3)
                {
                    return Refuse(ContactRules.EffectiveCallsPerDay, "3 effective calls were already made today (local)", WindowStart(context, today.AddDays(1)));
                }
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

    /// <summary>An effective call reached the debtor: a connected call, whatever was said.</summary>
    public static bool IsEffective(ContactOutcome? outcome) =>
        outcome is ContactOutcome.Conversation or ContactOutcome.PromiseToPay or ContactOutcome.Refused;

    private static DateTimeOffset WindowStart(ContactContext context, DateOnly date) =>
        BusinessCalendar.At(date, Window(context.Profile).From, context.Zone);

    private static ContactDecision Refuse(string rule, string detail, DateTimeOffset? retryAt) => new(false, rule, detail, retryAt);
}
