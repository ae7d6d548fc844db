using System.Collections.Immutable;

namespace Collections.Domain.Contacts;

/// <summary>What a channel gateway reported about a contact it sent.</summary>
public enum ContactResultStatus
{
    /// <summary>The message reached the debtor's device or mailbox (a call: it was placed).</summary>
    Delivered,

    /// <summary>The gateway could not deliver it.</summary>
    Failed,

    /// <summary>The debtor answered (an SMS or e-mail reply, a connected call).</summary>
    Replied,
}

/// <summary>Where a dispatched contact stands.</summary>
public enum ContactDispatchStatus
{
    Sent,
    Failed,
}

/// <summary>
/// A contact of the strategy's plan, recorded (<c>ContactPlanned</c>) and waiting for its moment. Its
/// <see cref="Id"/> is the sequence number of that event: unique on the account for ever.
/// <see cref="Day"/> is the debtor-local day it is planned for; it goes out at the first moment of that day
/// (or later) that the contact policy allows.
/// </summary>
public sealed record PlannedContact(long Id, int Step, Stage Stage, ContactChannel Channel, int DayOffset, DateOnly Day);

/// <summary>
/// The outbox: a contact whose dispatch is recorded (<c>ContactDispatchRequested</c>) but whose result is
/// not. It is sent, and re-sent after a failure or a lost silo, always with the same idempotency key.
/// <see cref="PortalLink"/>: its message carries a link to the debtor's page; <see cref="Link"/> is the one
/// issued for it last (its id and expiry — the token itself is never kept).
/// </summary>
public sealed record PendingDispatch(long Id, ContactChannel Channel, Stage Stage, string IdempotencyKey, DateTimeOffset RequestedAt, string? Template = null, bool PortalLink = false)
{
    public IssuedLink? Link { get; init; }

    /// <summary>The gateway's template id: the step's, or <c>{stage}.{channel}</c> for contacts recorded before templates.</summary>
    public string TemplateId => Template ?? Strategies.ContactPlanStep.DefaultTemplate(Stage, Channel);
}

/// <summary>A link to the debtor's page issued for a contact: its id, and until when it opens.</summary>
public sealed record IssuedLink(string LinkId, DateTimeOffset ExpiresAt);

/// <summary>A contact that left the outbox; kept (a bounded number) so that gateway results can be matched to it.</summary>
public sealed record DispatchedContact(long Id, ContactChannel Channel, DateTimeOffset RequestedAt, ContactDispatchStatus Status)
{
    public ImmutableArray<ContactResultStatus> Results { get; init; } = [];
}

/// <summary>
/// The account's contacts: the plan's next contact per step, the outbox, the recent dispatched contacts
/// and the recent attempts (engine and the lender's team) on which the policy's caps are counted. Every
/// collection here is bounded: by the plan's steps, by <see cref="MaxDispatched"/>, by the caps' window.
/// </summary>
public sealed record ContactLog
{
    public static readonly ContactLog None = new();

    /// <summary>How many dispatched contacts are kept for matching results.</summary>
    public const int MaxDispatched = 64;

    public ImmutableArray<PlannedContact> Planned { get; init; } = [];

    public ImmutableArray<PendingDispatch> Outbox { get; init; } = [];

    public ImmutableArray<DispatchedContact> Dispatched { get; init; } = [];

    /// <summary>Contact attempts of the engine and of the lender's team within the caps' window.</summary>
    public ImmutableArray<ContactAttempt> Recent { get; init; } = [];

    /// <summary>The stage entry the cadence progress below belongs to; another stage entry starts afresh.</summary>
    public DateTimeOffset? CadenceOf { get; init; }

    /// <summary>The last day offset planned, per step of the plan, since <see cref="CadenceOf"/>.</summary>
    public ImmutableDictionary<int, int> LastOffsets { get; init; } = ImmutableDictionary<int, int>.Empty;

    /// <summary>The segment whose contact plan the planned contacts and <see cref="LastOffsets"/> follow.</summary>
    public string? PlanSegment { get; init; }

    /// <summary>The day of the last arrangement reminder planned; the next one is planned for a later day.</summary>
    public DateOnly? LastReminderDay { get; init; }

    /// <summary>The US validation notice planned or in the outbox, until it is sent (or must be planned again).</summary>
    public long? ValidationNoticeId { get; init; }

    /// <summary>When the gateway accepted the US validation notice: the start of the validation period.</summary>
    public DateTimeOffset? ValidationNoticeSentAt { get; init; }
}
