namespace Collections.Domain.Accounts;

/// <summary>What the engine (or an agency) does to collect; a dispute or a hold stops some of it.</summary>
[Flags]
public enum CollectionActivities
{
    None = 0,

    /// <summary>Entering the next stage when its DPD threshold is reached.</summary>
    Escalation = 1,

    /// <summary>Outbound contacts: calls, SMS, e-mail, letters, by the lender's team or an agency.</summary>
    Contact = 2,

    /// <summary>Placing the account with a collection agency (and keeping it placed).</summary>
    Placement = 4,

    /// <summary>Litigation steps: filing, hearings, judgment, enforcement.</summary>
    Litigation = 8,

    /// <summary>Taking new promises, plans and settlements, and approving pending ones.</summary>
    Negotiation = 16,

    All = Escalation | Contact | Placement | Litigation | Negotiation,
}

/// <summary>Protected situations that stop collection activities while they are on the account.</summary>
public enum HoldType
{
    Hardship,
    Bankruptcy,
    Deceased,
    Fraud,
    CeaseCommunication,
    LegalHold,
}

/// <summary>
/// Which hold stops what. Payments are always accepted and recorded; existing promises, plans and
/// settlements keep being followed up (a hold does not decide them for the debtor). Releasing a hold
/// resumes escalation at the stage the account's DPD calls for, one audited stage entry at a time.
/// <code>
/// hold                 escalation  contacts  placement  litigation  new arrangements  recalls placement
/// Hardship             stops       allowed   stops      stops       allowed           no
/// Bankruptcy           stops       stops     stops      stops       stops             yes
/// Deceased             stops       stops     stops      stops       stops             yes
/// Fraud                stops       stops     stops      stops       stops             no
/// CeaseCommunication   continues   stops     stops      allowed     allowed           no
/// LegalHold            stops       stops     stops      stops       allowed           no
/// (open dispute)       stops       stops     stops      stops       stops             yes
/// </code>
/// Why: a hardship case is worked with the debtor (contacts and a plan are the point) but not pushed
/// further; bankruptcy's automatic stay and a death stop all collection and hand the account back from
/// any agency; a fraud claim may mean the debt is not the debtor's at all, so nothing proceeds until it
/// is investigated; cease-communication forbids contacting the debtor but not the lender's remedies
/// (escalation and litigation go on, and the debtor may still offer to pay); a legal hold freezes the
/// account for the lender's legal team, who may still agree terms through counsel. A dispute halts
/// every collection activity until the debt is verified (see <see cref="DisputeRules"/>).
/// The same table is in <c>docs/holds.md</c>.
/// </summary>
public static class HoldRules
{
    public static CollectionActivities Stops(HoldType type) => type switch
    {
        HoldType.Hardship => CollectionActivities.Escalation | CollectionActivities.Placement | CollectionActivities.Litigation,
        HoldType.Bankruptcy or HoldType.Deceased or HoldType.Fraud => CollectionActivities.All,
        HoldType.CeaseCommunication => CollectionActivities.Contact | CollectionActivities.Placement,
        HoldType.LegalHold => CollectionActivities.All & ~CollectionActivities.Negotiation,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Placing this hold hands an active agency placement back to the lender.</summary>
    public static bool RecallsPlacement(HoldType type) => type is HoldType.Bankruptcy or HoldType.Deceased;

    /// <summary>What an open dispute stops: everything until the debt is verified.</summary>
    public const CollectionActivities DisputeStops = CollectionActivities.All;
}

/// <summary>A hold on the account; the note is the lender's (it may hold personal data and is never logged).</summary>
public sealed record Hold(HoldType Type, string? Note, DateTimeOffset PlacedAt);

public enum DisputeOutcome
{
    /// <summary>The debt was verified: collection resumes.</summary>
    Verified,

    /// <summary>The debtor was right: the account is closed as WrittenOff.</summary>
    Upheld,
}

/// <summary>
/// An open dispute (debt verification request). <see cref="ValidationWindowEndsOn"/> is the end of the
/// validation period counted from the first notice (null when no notice was sent yet: the window has
/// not started, so any dispute is within it).
/// </summary>
public sealed record Dispute(string Reason, DateTimeOffset OpenedAt, DateOnly? ValidationWindowEndsOn, bool WithinValidationWindow);

public static class DisputeRules
{
    /// <summary>
    /// Days from the first notice during which the debtor may dispute the debt and collection must stop
    /// until it is verified (the US validation period, FDCPA §809 / Regulation F §1006.34). The engine stops
    /// collection on any dispute; the window is recorded because it decides the lender's legal duties.
    /// </summary>
    public const int ValidationWindowDays = 30;

    /// <summary>Longest accepted dispute reason; the text is the lender's, stored in the audit trail, never logged.</summary>
    public const int MaxReasonLength = 1000;
}
