namespace Collections.Domain.Events;

/// <summary>The lender declined the plan pending approval (the actor says who, <see cref="Reason"/> why); it never came into force.</summary>
public sealed record PlanDeclined(string Reason) : AccountEventData;
