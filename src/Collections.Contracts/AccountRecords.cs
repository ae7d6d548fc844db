using System.Collections.Immutable;
using Collections.Domain;
using Collections.Domain.Accounts;

namespace Collections.Contracts;

/// <summary>A document whose content the store holds, to be added to the account.</summary>
[GenerateSerializer, Immutable, Alias("collections.DocumentUpload")]
public sealed record DocumentUpload(
    [property: Id(0)] DocumentKind Kind,
    [property: Id(1)] string? Note,
    [property: Id(2)] string? FileName,
    [property: Id(3)] string? ContentType,
    [property: Id(4)] string StorageId,
    [property: Id(5)] long Size,
    [property: Id(6)] string Sha256);

/// <summary>A document kept on an account; <see cref="StorageId"/> is where the document store holds its content.</summary>
[GenerateSerializer, Immutable, Alias("collections.DocumentView")]
public sealed record DocumentView(
    [property: Id(0)] string DocumentId,
    [property: Id(1)] DocumentKind Kind,
    [property: Id(2)] string? Note,
    [property: Id(3)] string? FileName,
    [property: Id(4)] string? ContentType,
    [property: Id(5)] long Size,
    [property: Id(6)] string Sha256,
    [property: Id(7)] string StorageId,
    [property: Id(8)] DateTimeOffset AddedAt,
    [property: Id(9)] string AddedBy)
{
    public static DocumentView From(AccountDocument d) =>
        new(d.Id, d.Kind, d.Note, d.FileName, d.ContentType, d.Size, d.Sha256, d.StorageId, d.AddedAt, d.AddedBy);
}

/// <summary>The document a command added (or had added before: a retried upload), or why it was refused.</summary>
[GenerateSerializer, Immutable, Alias("collections.DocumentResult")]
public sealed record DocumentResult(
    [property: Id(0)] DocumentView? Document,
    [property: Id(1)] RejectionKind? RejectionKind = null,
    [property: Id(2)] string? Error = null);

/// <summary>A complaint as it came in.</summary>
[GenerateSerializer, Immutable, Alias("collections.ComplaintIntake")]
public sealed record ComplaintIntake(
    [property: Id(0)] ComplaintChannel Channel,
    [property: Id(1)] ComplaintCategory Category,
    [property: Id(2)] string Text,
    [property: Id(3)] string? AgencyId);

/// <summary>A complaint on an account; <see cref="RespondBy"/> is a date in the debtor's zone.</summary>
[GenerateSerializer, Immutable, Alias("collections.ComplaintView")]
public sealed record ComplaintView(
    [property: Id(0)] string ComplaintId,
    [property: Id(1)] ComplaintChannel Channel,
    [property: Id(2)] ComplaintCategory Category,
    [property: Id(3)] string Text,
    [property: Id(4)] string? AgencyId,
    [property: Id(5)] DateTimeOffset ReceivedAt,
    [property: Id(6)] DateOnly RespondBy,
    [property: Id(7)] ComplaintStatus Status,
    [property: Id(8)] bool? Upheld,
    [property: Id(9)] string? Resolution,
    [property: Id(10)] DateTimeOffset? ResolvedAt)
{
    public static ComplaintView From(Complaint c) =>
        new(c.Id, c.Channel, c.Category, c.Text, c.AgencyId, c.ReceivedAt, c.RespondBy, c.Status, c.Upheld, c.Resolution, c.ResolvedAt);
}

/// <summary>The complaint a command took or resolved, or why it was refused.</summary>
[GenerateSerializer, Immutable, Alias("collections.ComplaintResult")]
public sealed record ComplaintResult(
    [property: Id(0)] ComplaintView? Complaint,
    [property: Id(1)] RejectionKind? RejectionKind = null,
    [property: Id(2)] string? Error = null);

/// <summary>A complaint as the account read model keeps it, for the lender's complaint lists.</summary>
[GenerateSerializer, Immutable, Alias("collections.ComplaintDigest")]
public sealed record ComplaintDigest(
    [property: Id(0)] string ComplaintId,
    [property: Id(1)] ComplaintCategory Category,
    [property: Id(2)] ComplaintStatus Status,
    [property: Id(3)] DateOnly RespondBy,
    [property: Id(4)] string? AgencyId,
    [property: Id(5)] DateTimeOffset ReceivedAt);

/// <summary>The records beside the debt: documents, evidence exports and complaints (the same grain as <see cref="IAccountGrain"/>).</summary>
[Alias("collections.IAccountRecordsGrain")]
public interface IAccountRecordsGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a document whose content the store holds, as <paramref name="actor"/>; an agency only on its
    /// current placement (otherwise NotFound) and only call recordings and letters.
    /// </summary>
    [Alias("AddDocument")]
    Task<DocumentResult> AddDocumentAsync(DocumentUpload upload, string actor);

    /// <summary>The documents <paramref name="agencyId"/> may see (null: the lender's side sees all); null when the account does not exist or is not placed with the agency.</summary>
    [Alias("GetDocuments"), Orleans.Concurrency.ReadOnly]
    Task<ImmutableArray<DocumentView>?> GetDocumentsAsync(string? agencyId);

    /// <summary>Records that the evidence bundle as of <paramref name="asOfSeq"/> was exported with <paramref name="documents"/> documents.</summary>
    [Alias("RecordEvidenceExport")]
    Task<CommandResult> RecordEvidenceExportAsync(long asOfSeq, int documents, string format, string actor);

    /// <summary>Takes a complaint; NotMine opens a dispute too, Harassment against an agency stops its contact until resolved.</summary>
    [Alias("ReceiveComplaint")]
    Task<ComplaintResult> ReceiveComplaintAsync(ComplaintIntake intake, string actor);

    [Alias("ResolveComplaint")]
    Task<ComplaintResult> ResolveComplaintAsync(string complaintId, bool upheld, string resolution, string actor);

    /// <summary>The account's complaints, in the order they came in; null when the account does not exist.</summary>
    [Alias("GetComplaints"), Orleans.Concurrency.ReadOnly]
    Task<ImmutableArray<ComplaintView>?> GetComplaintsAsync();
}
