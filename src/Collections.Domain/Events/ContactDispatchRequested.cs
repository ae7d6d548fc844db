namespace Collections.Domain.Events;

/// <summary>
/// The policy allowed a planned contact (<see cref="Rule"/>) and it is handed to the channel gateway: the
/// outbox entry. It is recorded before anything is sent, so a lost silo cannot lose it; it is sent (and
/// re-sent) with <see cref="IdempotencyKey"/> until its result is recorded. <see cref="Template"/> is the
/// gateway's template id of the step (null in contacts recorded before templates: <c>{stage}.{channel}</c>).
/// <see cref="PortalLink"/>: the step puts a link to the debtor's own page in the message (issued when it is sent).
/// </summary>
public sealed record ContactDispatchRequested(long ContactId, ContactChannel Channel, Stage Stage, string IdempotencyKey, string Rule, string? Template = null, bool PortalLink = false) : AccountEventData;
