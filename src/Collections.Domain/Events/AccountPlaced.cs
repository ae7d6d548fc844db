namespace Collections.Domain.Events;

/// <summary>
/// The account was placed with a collection agency for <see cref="DurationDays"/>, until
/// <see cref="ExpiresAt"/>. <see cref="Balance"/> is what was placed (the total owed then) and
/// <see cref="CommissionRate"/> the agency's rate, fixed for this placement. The event's sequence number
/// is the placement's id on both sides (the agency's work list holds it too).
/// </summary>
public sealed record AccountPlaced(string AgencyId, DateTimeOffset ExpiresAt, int DurationDays, decimal Balance, decimal CommissionRate) : AccountEventData;
