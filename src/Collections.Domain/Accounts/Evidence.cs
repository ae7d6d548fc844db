using Collections.Domain.Events;

namespace Collections.Domain.Accounts;

/// <summary>The headings of the legal evidence bundle; every audit event falls under one.</summary>
public enum EvidenceCategory
{
    /// <summary>The contract data: opening, updates from the lender, reopening and closing.</summary>
    Account,
    Stage,
    Payment,
    Notice,
    Contact,
    Promise,
    Plan,
    Settlement,
    Dispute,
    Hold,
    Placement,
    Litigation,

    /// <summary>Documents added to the account, and exports of the bundle itself.</summary>
    Document,
    Complaint,
}

/// <summary>
/// The legal evidence bundle is the audit trail itself, in sequence (time) order, each event under its
/// heading: nothing is summarised away, so the bundle is as complete as the history.
/// </summary>
public static class Evidence
{
    /// <summary>
    /// The heading of an event by its stored type (the discriminator). Types this build does not know —
    /// written by a newer one — fall under <see cref="EvidenceCategory.Account"/> rather than being dropped.
    /// </summary>
    public static EvidenceCategory CategoryOf(string eventType) => eventType switch
    {
        nameof(StageEntered) => EvidenceCategory.Stage,
        nameof(PaymentReceived) => EvidenceCategory.Payment,
        nameof(PromiseMade) or nameof(PromiseKept) or nameof(PromiseBroken) => EvidenceCategory.Promise,
        nameof(PlanSubmitted) or nameof(PlanApproved) or nameof(PlanBroken) or nameof(PlanLapsed) or nameof(PlanCompleted) or nameof(PlanDeclined) => EvidenceCategory.Plan,
        nameof(SettlementOffered) or nameof(SettlementApproved) or nameof(SettlementPaid) or nameof(SettlementExpired) or nameof(SettlementDeclined) => EvidenceCategory.Settlement,
        nameof(DisputeOpened) or nameof(DisputeResolved) => EvidenceCategory.Dispute,
        nameof(HoldPlaced) or nameof(HoldReleased) => EvidenceCategory.Hold,
        nameof(LitigationStepRecorded) => EvidenceCategory.Litigation,
        nameof(DocumentAdded) or nameof(EvidenceExported) => EvidenceCategory.Document,
        nameof(ComplaintReceived) or nameof(ComplaintOverdue) or nameof(ComplaintResolved) => EvidenceCategory.Complaint,
        _ when eventType.Contains("Notice", StringComparison.Ordinal) => EvidenceCategory.Notice,
        _ when eventType.Contains("Contact", StringComparison.Ordinal) => EvidenceCategory.Contact,
        _ when eventType.Contains("Placement", StringComparison.Ordinal) || eventType.Contains("Placed", StringComparison.Ordinal) => EvidenceCategory.Placement,
        _ => EvidenceCategory.Account,
    };
}
