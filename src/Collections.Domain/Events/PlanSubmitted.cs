using Collections.Domain.Accounts;

namespace Collections.Domain.Events;

/// <summary>
/// A payment plan was agreed (<see cref="ApprovalStatus.Active"/>) or waits for the lender's approval
/// because its waiver is above the strategy's approval limit. The installments plus the waiver make
/// up <see cref="Balance"/>, the balance when it was submitted.
/// </summary>
public sealed record PlanSubmitted(PlanTerms Terms, ApprovalStatus Status, int GraceDays, decimal Balance, decimal WaiverPercent) : AccountEventData;
