using Collections.Domain.Accounts;

namespace Collections.Domain.Events;

/// <summary>A hold was put on the account; <see cref="HoldRules"/> says what it stops.</summary>
public sealed record HoldPlaced(HoldType Hold, string? Note, CollectionActivities Stops) : AccountEventData;
