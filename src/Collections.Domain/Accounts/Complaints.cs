namespace Collections.Domain.Accounts;

/// <summary>How a complaint came in.</summary>
public enum ComplaintChannel
{
    Phone,
    Email,
    Letter,
    Portal,
    Regulator,
}

public enum ComplaintCategory
{
    /// <summary>The debtor was harassed: against an agency, that agency's contact stops until it is resolved.</summary>
    Harassment,
    WrongAmount,

    /// <summary>The debt is not the debtor's: a dispute is opened too.</summary>
    NotMine,
    Privacy,
    Other,
}

public enum ComplaintStatus
{
    Open,

    /// <summary>Still unresolved after its response deadline.</summary>
    Overdue,
    Resolved,
}

/// <summary>
/// A complaint about the collection of this account, to be answered by <see cref="RespondBy"/> (a date in the
/// debtor's zone). The text is the debtor's (personal data: stored, never logged).
/// </summary>
public sealed record Complaint(
    string Id,
    ComplaintChannel Channel,
    ComplaintCategory Category,
    string Text,
    string? AgencyId,
    DateTimeOffset ReceivedAt,
    DateOnly RespondBy,
    ComplaintStatus Status = ComplaintStatus.Open,
    bool? Upheld = null,
    string? Resolution = null,
    DateTimeOffset? ResolvedAt = null)
{
    public bool Unresolved => Status != ComplaintStatus.Resolved;
}

public static class ComplaintRules
{
    /// <summary>Longest complaint text; a NotMine complaint's text is its dispute's reason, so the dispute's limit.</summary>
    public const int MaxTextLength = DisputeRules.MaxReasonLength;

    public const int MaxResolutionLength = 1000;

    /// <summary>The contact rule of an agency the debtor complained of harassment by, until the complaint is resolved.</summary>
    public const string ContactRule = "complaint";
}
