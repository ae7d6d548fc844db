using Collections.Domain.Accounts;

namespace Collections.Domain.Events;

/// <summary>
/// An offer to close the account for <see cref="Amount"/> paid by the end of <see cref="ExpiresOn"/>;
/// pending approval when it forgives more than the strategy's approval limit.
/// </summary>
public sealed record SettlementOffered(decimal Amount, DateOnly ExpiresOn, ApprovalStatus Status, decimal Balance, decimal ForgivenPercent) : AccountEventData;
