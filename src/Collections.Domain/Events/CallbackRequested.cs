namespace Collections.Domain.Events;

/// <summary>The debtor asked to be called back between <see cref="From"/> and <see cref="To"/>.</summary>
public sealed record CallbackRequested(DateTimeOffset From, DateTimeOffset To, string? Note) : AccountEventData;
