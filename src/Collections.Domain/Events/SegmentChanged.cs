namespace Collections.Domain.Events;

/// <summary>
/// The account moved from one segment of its strategy to another (null: none), effective at once; the
/// figures are those that decided it (days past due, balance, score).
/// </summary>
public sealed record SegmentChanged(string? From, string? To, int DaysPastDue, decimal Balance, int? Score) : AccountEventData;
