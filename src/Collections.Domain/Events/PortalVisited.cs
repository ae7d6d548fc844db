namespace Collections.Domain.Events;

/// <summary>
/// The debtor's page was used through link <see cref="LinkId"/>: <see cref="Verified"/> false the first time the
/// link was opened, true each time the knowledge check was passed (the debt was shown).
/// </summary>
public sealed record PortalVisited(string LinkId, bool Verified) : AccountEventData;
