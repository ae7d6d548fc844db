using Collections.Domain.Accounts;
using Collections.Domain.Strategies;

namespace Collections.Domain.Events;

/// <summary>A closed account fell delinquent again: a new collection cycle on the same history.</summary>
public sealed record AccountReopened(AccountRecord Record, StrategyRef Strategy) : AccountEventData;
