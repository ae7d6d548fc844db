using Collections.Domain.Contacts;

namespace Collections.Domain.Events;

/// <summary>
/// A contact the placed agency made, after the compliance policy allowed it (<see cref="Rule"/> is the
/// policy's verdict). <see cref="Promised"/>: the debtor promised to pay; the promise itself follows as
/// its own event. <see cref="ActivityId"/> is the agency's id of the activity when it sent one (a file
/// line): the same id again on the placement records nothing.
/// </summary>
public sealed record AgencyContactRecorded(string AgencyId, ContactChannel Channel, ContactOutcome Outcome, DateTimeOffset At, string Rule, bool Promised, string? ActivityId = null) : AccountEventData;
