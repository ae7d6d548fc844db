using Collections.Domain.Contacts;
using Collections.Domain.Events;

namespace Collections.Domain.Accounts;

/// <summary>
/// Letters the engine sends, kept as the documents that were sent: rendered from the contact's content at the
/// moment it is sent (<see cref="LetterDocument"/>), stored by the host's document store, and recorded as a
/// <see cref="DocumentKind.Letter"/> document of the system with the contact it was sent as.
/// </summary>
public static partial class AccountLifecycle
{
    /// <summary>Whether the contact is kept as a letter: every letter, and the US validation notice whatever its channel.</summary>
    public static bool KeepsLetter(AccountState state, PendingDispatch dispatch) =>
        dispatch.Channel == ContactChannel.Letter || state.Contacts.ValidationNoticeId == dispatch.Id;

    /// <summary>The letter's text for a contact of the outbox sent at <paramref name="now"/>, with what it carries (<see cref="ContentOf"/>).</summary>
    public static string LetterOf(AccountState state, PendingDispatch dispatch, ContactContent content, DateTimeOffset now) =>
        LetterDocument.Render(
            content,
            state.Record.Debtor.BorrowerName,
            ContactIdempotencyKey(state, dispatch.Id),
            BusinessCalendar.LocalDate(now, state.Zone),
            validationNotice: state.Contacts.ValidationNoticeId == dispatch.Id);

    /// <summary>
    /// Records the letter sent as contact <paramref name="contactId"/>, whose content the store holds. One
    /// document per contact: a dispatch retried after the letter was kept records nothing again.
    /// </summary>
    public static Decision KeepLetter(AccountState state, long contactId, string template, StoredContent content)
    {
        var fileName = LetterDocument.FileName(contactId);
        if (state.Documents.Any(d => d.Kind == DocumentKind.Letter && d.AddedBy == SystemActor && d.FileName == fileName))
        {
            return Decision.None;
        }

        var id = $"D{state.Documents.Length + 1}";
        return new Decision([new DocumentAdded(
            id, DocumentKind.Letter, LetterDocument.Note(contactId, template), fileName, LetterDocument.ContentType, content.Size, content.Sha256, content.StorageId)]);
    }
}
