namespace Collections.Domain.Events;

/// <summary>
/// Money received, allocated penalty → fees → interest → principal; what exceeds the balance is
/// <see cref="Overpaid"/>, recorded rather than lost.
/// </summary>
public sealed record PaymentReceived(string PaymentId, decimal Amount, DateTimeOffset PaidAt, Balance Allocated, decimal Overpaid) : AccountEventData;
