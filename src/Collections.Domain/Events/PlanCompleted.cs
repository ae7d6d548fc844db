namespace Collections.Domain.Events;

/// <summary>
/// Every installment was paid: the rest of the balance (the plan's waiver) is forgiven and the account
/// closes as Paid. <see cref="Paid"/> plus <see cref="Forgiven"/> is the balance the plan was agreed on.
/// </summary>
public sealed record PlanCompleted(decimal Paid, Balance Forgiven) : AccountEventData;
