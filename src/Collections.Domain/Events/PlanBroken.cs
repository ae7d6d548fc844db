namespace Collections.Domain.Events;

/// <summary>
/// The installment due on <see cref="MissedDueDate"/> was not paid by the end of its grace: the plan
/// ends, its waiver is not granted, and escalation resumes at the stage the DPD calls for.
/// <see cref="Due"/> is what had to be paid under the plan by then.
/// </summary>
public sealed record PlanBroken(DateOnly MissedDueDate, decimal Due, decimal Paid) : AccountEventData;
