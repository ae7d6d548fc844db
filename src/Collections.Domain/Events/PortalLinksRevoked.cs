namespace Collections.Domain.Events;

/// <summary>The debtor's page links issued on this account were revoked (<see cref="Links"/> of them were still open).</summary>
public sealed record PortalLinksRevoked(int Links) : AccountEventData;
