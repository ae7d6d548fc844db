namespace Collections.Domain.Accounts;

/// <summary>What a document on an account is.</summary>
public enum DocumentKind
{
    Contract,
    Statement,
    Letter,
    CallRecording,
    CourtFiling,
    Other,
}

/// <summary>
/// A document kept on the account: immutable, its content stored once under <see cref="StorageId"/> and
/// identified by its SHA-256; a new version is a new document. <see cref="AddedBy"/> is the actor who added it.
/// </summary>
public sealed record AccountDocument(
    string Id,
    DocumentKind Kind,
    string? Note,
    string? FileName,
    string? ContentType,
    long Size,
    string Sha256,
    string StorageId,
    DateTimeOffset AddedAt,
    string AddedBy);

/// <summary>The content of an upload as the document store kept it.</summary>
public sealed record StoredContent(string StorageId, long Size, string Sha256);

public static class DocumentRules
{
    public const int MaxNoteLength = 500;

    public const int MaxFileNameLength = 255;

    public const int MaxContentTypeLength = 127;

    /// <summary>What an agency may add on its placement: the work it did, not the lender's papers.</summary>
    public static readonly IReadOnlyList<DocumentKind> AgencyKinds = [DocumentKind.CallRecording, DocumentKind.Letter];

    /// <summary>
    /// Whether the document is shown to <paramref name="agencyId"/> (null: the lender's side): an agency sees the lender's documents and its own,
    /// never another agency's work; everyone of the lender sees them all.
    /// </summary>
    public static bool Visible(AccountDocument document, string? agencyId) =>
        agencyId is null || AccountLifecycle.AgencyOf(document.AddedBy) is not { } addedBy || addedBy == agencyId;
}
