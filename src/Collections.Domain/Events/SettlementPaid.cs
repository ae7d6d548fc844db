namespace Collections.Domain.Events;

/// <summary>The settlement amount was paid before expiry: <see cref="Forgiven"/> is the remainder written off, and the account closes as Settled.</summary>
public sealed record SettlementPaid(decimal Amount, decimal Paid, Balance Forgiven) : AccountEventData;
