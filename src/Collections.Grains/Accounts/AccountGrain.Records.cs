using System.Collections.Immutable;
using Collections.Contracts;
using Collections.Domain.Accounts;

namespace Collections.Grains.Accounts;

/// <summary>
/// The account's records beside the debt, through the one write path: documents (the host stores the
/// content first, then the account records what was stored), exports of the evidence bundle, complaints.
/// Who may see what is the domain's rule (<see cref="DocumentRules.Visible"/>, <see cref="AccountLifecycle.IsPlacedWith"/>).
/// </summary>
public sealed partial class AccountGrain : IAccountRecordsGrain
{
    public async Task<DocumentResult> AddDocumentAsync(DocumentUpload upload, string actor)
    {
        var content = new StoredContent(upload.StorageId, upload.Size, upload.Sha256);
        var result = await ExecuteAsActorAsync(actor, (account, _, _) =>
            AccountLifecycle.AddDocument(account, actor, upload.Kind, upload.Note, upload.FileName, upload.ContentType, content));
        if (result.RejectionKind is { } kind)
        {
            return new DocumentResult(null, kind, result.Error);
        }

        return state is not null && AccountLifecycle.DocumentOf(state, actor, upload.Kind, upload.Sha256) is { } document
            ? new DocumentResult(DocumentView.From(document))
            : new DocumentResult(null);
    }

    public Task<ImmutableArray<DocumentView>?> GetDocumentsAsync(string? agencyId) =>
        Task.FromResult<ImmutableArray<DocumentView>?>(
            state is null || (agencyId is not null && !AccountLifecycle.IsPlacedWith(state, agencyId, clock.Now))
                ? null
                : [.. state.Documents.Where(d => DocumentRules.Visible(d, agencyId)).Select(DocumentView.From)]);

    public Task<CommandResult> RecordEvidenceExportAsync(long asOfSeq, int documents, string format, string actor) =>
        ExecuteAsync((account, _, _) => AccountLifecycle.ExportEvidence(account, asOfSeq, documents, format), actor);

    public async Task<ComplaintResult> ReceiveComplaintAsync(ComplaintIntake intake, string actor)
    {
        var count = state?.Complaints.Length ?? 0;
        var result = await ExecuteAsync(
            (account, rules, now) => AccountLifecycle.ReceiveComplaint(account, intake.Channel, intake.Category, intake.Text, intake.AgencyId, now, rules),
            actor);
        return ComplaintOf(result, state is { } account && account.Complaints.Length > count ? account.Complaints[count].Id : null);
    }

    public async Task<ComplaintResult> ResolveComplaintAsync(string complaintId, bool upheld, string resolution, string actor) =>
        ComplaintOf(
            await ExecuteAsync((account, _, _) => AccountLifecycle.ResolveComplaint(account, complaintId, upheld, resolution), actor),
            complaintId);

    public Task<ImmutableArray<ComplaintView>?> GetComplaintsAsync() =>
        Task.FromResult<ImmutableArray<ComplaintView>?>(state is null ? null : [.. state.Complaints.Select(ComplaintView.From)]);

    private ComplaintResult ComplaintOf(CommandResult result, string? complaintId) =>
        result.RejectionKind is { } kind
            ? new ComplaintResult(null, kind, result.Error)
            : new ComplaintResult(state?.Complaints.FirstOrDefault(c => c.Id == complaintId) is { } complaint ? ComplaintView.From(complaint) : null);
}
