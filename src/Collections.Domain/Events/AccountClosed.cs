namespace Collections.Domain.Events;

/// <summary>The account left collections.</summary>
public sealed record AccountClosed(ClosedReason Reason) : AccountEventData;
