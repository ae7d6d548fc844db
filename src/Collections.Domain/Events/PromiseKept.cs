namespace Collections.Domain.Events;

/// <summary>The payments recorded since the promise reached its amount by its last day.</summary>
public sealed record PromiseKept(decimal Amount, decimal Paid) : AccountEventData;
