namespace Collections.Domain.Events;

/// <summary>The lender approved the pending settlement offer (the actor says who).</summary>
public sealed record SettlementApproved : AccountEventData;
