using System.Collections.Immutable;
using Collections.Domain.Accounts;

namespace Collections.Domain.Events;

/// <summary>The lender sent new balances, due date or contact data; the lifecycle carries on.</summary>
public sealed record AccountUpdated(AccountRecord Record, ImmutableArray<string> ChangedFields) : AccountEventData;
