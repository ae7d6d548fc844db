using Collections.Domain.Accounts;

namespace Collections.Domain.Events;

/// <summary>The dispute was resolved: Verified resumes collection, Upheld is followed by closing as WrittenOff.</summary>
public sealed record DisputeResolved(DisputeOutcome Outcome) : AccountEventData;
