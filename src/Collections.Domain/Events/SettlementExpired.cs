namespace Collections.Domain.Events;

/// <summary>The settlement's last day ended without its amount paid; escalation resumes.</summary>
public sealed record SettlementExpired(decimal Amount, decimal Paid) : AccountEventData;
