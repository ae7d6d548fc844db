namespace Collections.Domain.Events;

/// <summary>A plan still pending approval when its first installment's grace ended; it never came into force.</summary>
public sealed record PlanLapsed(DateOnly FirstDueDate) : AccountEventData;
