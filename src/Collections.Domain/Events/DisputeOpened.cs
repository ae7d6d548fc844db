namespace Collections.Domain.Events;

/// <summary>
/// The debtor disputes the debt: every collection activity stops until it is resolved.
/// <see cref="FirstNoticeAt"/> starts the validation window that ends on <see cref="ValidationWindowEndsOn"/>
/// (both null before any notice); <see cref="WithinValidationWindow"/> says whether the dispute came in time.
/// </summary>
public sealed record DisputeOpened(string Reason, DateTimeOffset? FirstNoticeAt, DateOnly? ValidationWindowEndsOn, bool WithinValidationWindow) : AccountEventData;
