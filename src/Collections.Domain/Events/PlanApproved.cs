namespace Collections.Domain.Events;

/// <summary>The lender approved the pending plan (the actor says who); it is now in force.</summary>
public sealed record PlanApproved : AccountEventData;
