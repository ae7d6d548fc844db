using System.Collections.Immutable;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Domain.Strategies;

namespace Collections.Domain.Accounts;

/// <summary>
/// The account's records beside the debt: documents (immutable, proven by their SHA-256), exports of the
/// evidence bundle, and complaints — each answered by a deadline the account's own wake watches. Records are
/// kept on a closed account too: evidence and complaints outlive collection.
/// </summary>
public static partial class AccountLifecycle
{
    /// <summary>
    /// Adds a document whose content the store already holds. The same content of the same kind again is
    /// the same document (a retried upload records nothing); an agency adds call recordings and letters on
    /// its placement only (see <see cref="AsActor"/> for the placement).
    /// </summary>
    public static Decision AddDocument(
        AccountState state, string actor, DocumentKind kind, string? note, string? fileName, string? contentType, StoredContent content)
    {
        if (!Enum.IsDefined(kind))
        {
            return Decision.Reject(RejectionKind.Invalid, $"kind must be one of {string.Join(", ", Enum.GetNames<DocumentKind>())}");
        }

        if (AgencyOf(actor) is not null && !DocumentRules.AgencyKinds.Contains(kind))
        {
            return Decision.Reject(RejectionKind.Invalid, $"an agency adds {string.Join(" or ", DocumentRules.AgencyKinds)} documents; {kind} is the lender's");
        }

        if (note is { Length: > DocumentRules.MaxNoteLength } || fileName is { Length: > DocumentRules.MaxFileNameLength }
            || contentType is { Length: > DocumentRules.MaxContentTypeLength })
        {
            return Decision.Reject(RejectionKind.Invalid,
                $"note is at most {DocumentRules.MaxNoteLength} characters, the file name at most {DocumentRules.MaxFileNameLength} and its content type at most {DocumentRules.MaxContentTypeLength}");
        }

        if (state.Documents.Any(d => d.Sha256 == content.Sha256 && d.Kind == kind && d.AddedBy == actor))
        {
            return Decision.None;
        }

        var id = $"D{state.Documents.Length + 1}";
        return new Decision([new DocumentAdded(id, kind, Blank(note), Blank(fileName), Blank(contentType), content.Size, content.Sha256, content.StorageId)]);
    }

    /// <summary>The document of this content and kind the actor added before (the answer to a retried upload).</summary>
    public static AccountDocument? DocumentOf(AccountState state, string actor, DocumentKind kind, string sha256) =>
        state.Documents.LastOrDefault(d => d.Sha256 == sha256 && d.Kind == kind && d.AddedBy == actor);

    /// <summary>The evidence bundle as of <paramref name="asOfSeq"/> was exported with its documents: the export is evidence too.</summary>
    public static Decision ExportEvidence(AccountState state, long asOfSeq, int documents, string format) =>
        asOfSeq < 1 || asOfSeq > state.Version
            ? Decision.Reject(RejectionKind.Invalid, $"asOfSeq must be from 1 to {state.Version}")
            : new Decision([new EvidenceExported(asOfSeq, documents, format)]);

    /// <summary>
    /// Takes a complaint, to be answered within the strategy's <c>complaints.responseDays</c> of the debtor's
    /// today. <c>NotMine</c> opens a dispute as well, through <see cref="OpenDispute"/> (when the account is
    /// active and none is open); <c>Harassment</c> against an agency stops its contact until resolved
    /// (<see cref="ComplaintStop"/>). An agency named must be the one the account is or was last placed with.
    /// </summary>
    public static Decision ReceiveComplaint(
        AccountState state, ComplaintChannel channel, ComplaintCategory category, string? text, string? agencyId, DateTimeOffset now, Strategy rules)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(channel))
        {
            errors.Add($"channel must be one of {string.Join(", ", Enum.GetNames<ComplaintChannel>())}");
        }

        if (!Enum.IsDefined(category))
        {
            errors.Add($"category must be one of {string.Join(", ", Enum.GetNames<ComplaintCategory>())}");
        }

        if (string.IsNullOrWhiteSpace(text) || text.Trim().Length > ComplaintRules.MaxTextLength)
        {
            errors.Add($"text is required: what the debtor complains of (at most {ComplaintRules.MaxTextLength} characters)");
        }

        var agency = string.IsNullOrWhiteSpace(agencyId) ? null : agencyId.Trim();
        var agencies = new[] { state.Outsourcing.Current?.AgencyId, state.Outsourcing.Last?.AgencyId }.OfType<string>().Distinct().ToList();
        if (agency is not null && !agencies.Contains(agency))
        {
            errors.Add(agencies.Count == 0
                ? $"agencyId '{agency}': the account was never placed with an agency; leave agencyId out"
                : $"agencyId '{agency}' is not an agency the account is or was last placed with ({string.Join(", ", agencies)})");
        }

        if (errors.Count > 0)
        {
            return Decision.Reject(RejectionKind.Invalid, string.Join("; ", errors));
        }

        var id = $"C{state.Complaints.Length + 1}";
        var respondBy = BusinessCalendar.LocalDate(now, state.Zone).AddDays(Effective(state, rules).Complaints.ResponseDays);
        var reason = text!.Trim();
        var dispute = category == ComplaintCategory.NotMine && state.Status == AccountStatus.Active && state.Dispute is null
            ? OpenDispute(state, reason, now)
            : Decision.None;
        if (dispute.Rejection is not null)
        {
            return dispute;
        }

        return new Decision([new ComplaintReceived(id, channel, category, reason, agency, respondBy, !dispute.Events.IsEmpty), .. dispute.Events]);
    }

    /// <summary>Answers a complaint: upheld (the debtor was right) or not, with what was done.</summary>
    public static Decision ResolveComplaint(AccountState state, string complaintId, bool upheld, string? resolution)
    {
        if (state.Complaints.FirstOrDefault(c => c.Id == complaintId) is not { } complaint)
        {
            return Decision.Reject(RejectionKind.NotFound, $"the account has no complaint '{complaintId}'");
        }

        if (string.IsNullOrWhiteSpace(resolution) || resolution.Trim().Length > ComplaintRules.MaxResolutionLength)
        {
            return Decision.Reject(RejectionKind.Invalid, $"resolution is required: what was found and done (at most {ComplaintRules.MaxResolutionLength} characters)");
        }

        return complaint.Unresolved
            ? new Decision([new ComplaintResolved(complaint.Id, upheld, resolution.Trim())])
            : Decision.Reject(RejectionKind.Conflict, $"complaint '{complaintId}' was already resolved on {complaint.ResolvedAt:O}");
    }

    /// <summary>The instant a complaint becomes overdue: the end of its respond-by day in the debtor's zone.</summary>
    public static DateTimeOffset ComplaintDeadline(AccountState state, Complaint complaint) =>
        BusinessCalendar.StartOfDay(complaint.RespondBy.AddDays(1), state.Zone);

    /// <summary>Open complaints whose respond-by day has ended at <paramref name="now"/>, each flagged once.</summary>
    public static ImmutableArray<AccountEventData> ComplaintsOverdue(AccountState state, DateTimeOffset now) =>
        [.. state.Complaints
            .Where(c => c.Status == ComplaintStatus.Open && now >= ComplaintDeadline(state, c))
            .Select(c => new ComplaintOverdue(c.Id, c.RespondBy))];

    /// <summary>When the account must wake to flag an open complaint overdue; null when none is open.</summary>
    public static Wake? ComplaintWake(AccountState state) =>
        state.Complaints.Where(c => c.Status == ComplaintStatus.Open)
            .Select(c => new Wake(ComplaintDeadline(state, c), $"complaint {c.Id} due"))
            .MinBy(w => w.At);

    /// <summary>
    /// Why the agency may not contact the debtor on this account: an unresolved harassment complaint against
    /// it (rule <c>complaint</c>); null when none stops it.
    /// </summary>
    public static ContactDecision? ComplaintStop(AccountState state, string agencyId) =>
        state.Complaints.FirstOrDefault(c => c.Unresolved && c.Category == ComplaintCategory.Harassment && c.AgencyId == agencyId) is { } complaint
            ? new ContactDecision(false, ComplaintRules.ContactRule,
                $"the debtor complained of harassment by agency '{agencyId}' (complaint {complaint.Id}); its contact stops until the complaint is resolved", null)
            : null;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Documents, exports and complaints.</summary>
    private static AccountState ApplyRecords(AccountState state, AccountEvent e) => e.Data switch
    {
        DocumentAdded added => state with
        {
            Version = e.Seq,
            Documents = state.Documents.Add(new AccountDocument(
                added.DocumentId, added.Kind, added.Note, added.FileName, added.ContentType, added.Size, added.Sha256, added.StorageId, e.At, e.Actor)),
        },
        EvidenceExported => state with { Version = e.Seq },
        ComplaintReceived received => state with
        {
            Version = e.Seq,
            Complaints = state.Complaints.Add(new Complaint(
                received.ComplaintId, received.Channel, received.Category, received.Text, received.AgencyId, e.At, received.RespondBy)),

            // A complaint against the agency holding the account counts in its supervision figures; one that
            // opened a dispute is counted by the dispute.
            Outsourcing = state.Outsourcing.Current is { } placed && placed.AgencyId == received.AgencyId && !received.OpensDispute
                ? state.Outsourcing with { Current = placed with { Stats = placed.Stats with { Complaints = placed.Stats.Complaints + 1 } } }
                : state.Outsourcing,
        },
        ComplaintOverdue overdue => state with
        {
            Version = e.Seq,
            Complaints = Update(state.Complaints, overdue.ComplaintId, c => c.Status == ComplaintStatus.Open ? c with { Status = ComplaintStatus.Overdue } : c),
        },
        ComplaintResolved resolved => state with
        {
            Version = e.Seq,
            Complaints = Update(state.Complaints, resolved.ComplaintId, c => c with
            {
                Status = ComplaintStatus.Resolved,
                Upheld = resolved.Upheld,
                Resolution = resolved.Resolution,
                ResolvedAt = e.At,
            }),
        },
        _ => throw Unhandled(e),
    };

    private static ImmutableArray<Complaint> Update(ImmutableArray<Complaint> complaints, string id, Func<Complaint, Complaint> change) =>
        [.. complaints.Select(c => c.Id == id ? change(c) : c)];
}
