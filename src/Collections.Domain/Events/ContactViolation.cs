using Collections.Domain.Contacts;

namespace Collections.Domain.Events;

/// <summary>
/// A contact that happened although <see cref="Rule"/> (a <c>ContactRules</c> name) forbade it: recorded all
/// the same, so that the audit trail keeps it and every cap after it counts it. The event's actor is who
/// made it (the lender's team, a collector, an agency).
/// </summary>
public sealed record ContactViolation(ContactChannel Channel, ContactOutcome Outcome, DateTimeOffset At, string Rule, string Detail) : AccountEventData;
