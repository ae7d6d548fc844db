using Collections.Domain.Contacts;

namespace Collections.Domain.Events;

/// <summary>
/// A contact that happened although <see cref="Rule"/> (a <c>ContactRules</c> name) forbade it: recorded all
/// the same, so that the audit trail keeps it and every cap after it counts it. The event's actor is who
/// made it (the lender's team, a collector, an agency). <see cref="ActivityId"/> is the agency's id of the
/// activity when it sent one: the same id again on the placement records nothing.
/// </summary>
public sealed record ContactViolation(ContactChannel Channel, ContactOutcome Outcome, DateTimeOffset At, string Rule, string Detail, string? ActivityId = null) : AccountEventData;
