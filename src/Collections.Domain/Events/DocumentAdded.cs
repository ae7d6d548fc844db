using Collections.Domain.Accounts;

namespace Collections.Domain.Events;

/// <summary>
/// A document was added to the account (the actor added it): its content is stored under <see cref="StorageId"/>
/// and is proven by <see cref="Sha256"/>; documents are never changed, a new version is a new document.
/// </summary>
public sealed record DocumentAdded(
    string DocumentId,
    DocumentKind Kind,
    string? Note,
    string? FileName,
    string? ContentType,
    long Size,
    string Sha256,
    string StorageId) : AccountEventData;
