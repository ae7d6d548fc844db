using Collections.Domain.Accounts;

namespace Collections.Domain.Events;

/// <summary>A step of the account's lawsuit, on the date it happened, with the court's case reference.</summary>
public sealed record LitigationStepRecorded(LitigationStep Step, DateOnly On, string? CaseReference, string? Note) : AccountEventData;
