namespace Collections.Domain.Events;

/// <summary>The gateway refused the contact, or kept failing until the dispatcher gave up: it was not sent.</summary>
public sealed record ContactDispatchFailed(long ContactId, ContactChannel Channel, string Gateway, string Reason) : AccountEventData;
