namespace Collections.Domain.Events;

/// <summary>
/// The gateway accepted the contact. <see cref="Preview"/> is what was (or, for the simulated gateway, would
/// have been) sent, without the debtor's full contact data; <see cref="Reference"/> is the gateway's id.
/// </summary>
public sealed record ContactSent(long ContactId, ContactChannel Channel, string Gateway, string? Reference, string? Preview) : AccountEventData;
