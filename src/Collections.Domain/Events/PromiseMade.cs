namespace Collections.Domain.Events;

/// <summary>The debtor promised to pay <see cref="Amount"/> by <see cref="DueDate"/>; it is decided when <see cref="DueDate"/> + <see cref="GraceDays"/> ends.</summary>
public sealed record PromiseMade(decimal Amount, DateOnly DueDate, int GraceDays) : AccountEventData;
