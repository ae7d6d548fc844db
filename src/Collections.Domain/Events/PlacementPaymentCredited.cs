namespace Collections.Domain.Events;

/// <summary>
/// The payment just recorded was collected by the placed agency: it counts towards the agency's
/// performance, and earns <see cref="Commission"/> at the placement's rate.
/// </summary>
public sealed record PlacementPaymentCredited(string AgencyId, string PaymentId, decimal Amount, decimal Commission) : AccountEventData;
