using Collections.Domain.Portal;

namespace Collections.Domain.Events;

/// <summary>
/// The debtor chose to pay <see cref="Amount"/> now (<see cref="Purpose"/>: what it pays). The lender's payment
/// provider takes it from here through the lender webhook; no card data passes through this system, and the
/// payment itself arrives later as a payment like any other.
/// </summary>
public sealed record PaymentIntentCreated(string IntentId, decimal Amount, string Currency, PaymentPurpose Purpose) : AccountEventData;
