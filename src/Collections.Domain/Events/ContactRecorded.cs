using Collections.Domain.Contacts;

namespace Collections.Domain.Events;

/// <summary>A contact made by the lender's own team, after the contact policy allowed it (<see cref="Rule"/>).</summary>
public sealed record ContactRecorded(ContactChannel Channel, ContactOutcome Outcome, DateTimeOffset At, string Rule) : AccountEventData;
