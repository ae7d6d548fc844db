namespace Collections.Domain.Events;

/// <summary>
/// The account is due for placement but no agency serving its lender has room: it waits, and its wake
/// retries until capacity frees. Recorded once per wait, not per retry.
/// </summary>
public sealed record PlacementAwaited(string Reason) : AccountEventData;
