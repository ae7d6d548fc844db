namespace Collections.Domain.Events;

/// <summary>
/// The evidence bundle was exported (the actor took it): as of event <see cref="AsOfSeq"/>, with
/// <see cref="Documents"/> documents; <see cref="Format"/> is how (<c>zip</c>).
/// </summary>
public sealed record EvidenceExported(long AsOfSeq, int Documents, string Format) : AccountEventData;
