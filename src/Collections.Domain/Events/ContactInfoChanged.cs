using System.Collections.Immutable;

namespace Collections.Domain.Events;

/// <summary>
/// New contact data for the debtor from <see cref="Source"/> (e.g. <c>skip-trace</c>, <c>debtor</c>,
/// <c>agency</c>); <see cref="Fields"/> names what changed. A new phone number lifts a wrong-number block.
/// </summary>
public sealed record ContactInfoChanged(string? Phone, string? Email, string? Address, string Source, ImmutableArray<string> Fields) : AccountEventData;
