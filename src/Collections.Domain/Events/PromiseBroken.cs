namespace Collections.Domain.Events;

/// <summary>
/// The promise's last day ended with less than its amount paid; escalation resumes.
/// <see cref="BrokenPromises"/> counts the account's broken promises, this one included.
/// </summary>
public sealed record PromiseBroken(decimal Amount, decimal Paid, int BrokenPromises) : AccountEventData;
