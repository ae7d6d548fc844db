using Collections.Domain.Accounts;
using Collections.Domain.Strategies;

namespace Collections.Domain.Events;

/// <summary>A lender's record opened a new account in collections.</summary>
public sealed record AccountOpened(string LenderId, AccountRecord Record, StrategyRef Strategy) : AccountEventData;
