namespace Collections.Domain.Events;

/// <summary>A planned contact will not be made: <see cref="Rule"/> (a <c>ContactRules</c> name) forbade it.</summary>
public sealed record ContactSuppressed(long ContactId, ContactChannel Channel, Stage Stage, string Rule, string Detail) : AccountEventData;
