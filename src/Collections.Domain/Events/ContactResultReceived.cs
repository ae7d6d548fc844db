using Collections.Domain.Contacts;

namespace Collections.Domain.Events;

/// <summary>
/// A gateway reported what became of a sent contact: delivered, failed, or the debtor replied. A call's
/// <see cref="Outcome"/> (a conversation, a promise …) counts for the contact policy like any other.
/// </summary>
public sealed record ContactResultReceived(long ContactId, ContactChannel Channel, ContactResultStatus Status, ContactOutcome? Outcome, DateTimeOffset At, string? Detail) : AccountEventData;
