using System.Globalization;
using System.Text;

namespace Collections.Domain.Contacts;

/// <summary>
/// The letter the engine sends, as the document kept on the account: plain UTF-8 text, rendered from the
/// contact's <see cref="ContactContent"/> alone, so the same facts always give the same bytes (and the same
/// SHA-256) and a reader needs nothing but a text editor. It says what the gateway was told: the template,
/// the date, the amounts item by item, the oldest due date and DPD, the next stage and its date, the
/// dispute deadline when there is one, the link to the debtor's page when it carries one (by its id: the
/// token is in the printed letter only), and the recipient block (name and postal address).
/// </summary>
public static class LetterDocument
{
    public const string ContentType = "text/plain; charset=utf-8";

    /// <summary>The document's file name: one per contact, which is how a retried dispatch finds the letter it already kept.</summary>
    public static string FileName(long contactId) => string.Create(CultureInfo.InvariantCulture, $"letter-{contactId}.txt");

    /// <summary>The note that links the document to the contact it was sent as.</summary>
    public static string Note(long contactId, string template) => string.Create(CultureInfo.InvariantCulture, $"Sent as contact {contactId} (template {template}).");

    /// <summary>
    /// The letter's text. <paramref name="reference"/> identifies this letter (the lender, the account and the
    /// contact), <paramref name="date"/> is the day it was sent in the debtor's zone; the recipient block is
    /// the borrower's name and the address, one line per comma- or newline-separated part.
    /// </summary>
    public static string Render(ContactContent content, string recipient, string reference, DateOnly date, bool validationNotice)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        string Money(decimal amount) => amount.ToString("#,##0.00", CultureInfo.InvariantCulture).PadLeft(16);

        Line(validationNotice ? "DEBT VALIDATION NOTICE" : "PAYMENT REMINDER");
        Line();
        Line($"Date:      {BusinessCalendar.Iso(date)}");
        Line($"Reference: {reference}");
        Line($"Template:  {content.Template}");
        Line();
        Line("To:");
        Line($"  {recipient.Trim()}");
        foreach (var part in AddressLines(content.Address))
        {
            Line($"  {part}");
        }

        Line();
        Line($"Amounts owed ({content.Currency})");
        Line($"  Principal  {Money(content.Owed.Principal)}");
        Line($"  Interest   {Money(content.Owed.Interest)}");
        Line($"  Fees       {Money(content.Owed.Fees)}");
        Line($"  Penalty    {Money(content.Owed.Penalty)}");
        Line($"  Balance    {Money(content.Owed.Total)}");
        Line($"  Overdue    {Money(content.Arrears)}");
        Line();
        Line(string.Create(CultureInfo.InvariantCulture, $"Oldest unpaid due date: {BusinessCalendar.Iso(content.DueDate)} ({content.DaysPastDue} days past due)."));
        if (content.NextStage is { } next && content.NextStageOn is { } on)
        {
            Line($"If nothing is paid, the account moves to the {next} stage on {BusinessCalendar.Iso(on)}.");
        }

        if (content.DisputeBy is { } by)
        {
            Line($"You may dispute this debt, or any part of it, until {BusinessCalendar.Iso(by)}.");
        }

        if (content.PortalLink is { } link)
        {
            Line($"Your own page: the personal link printed on this letter (link {link.LinkId}) opens until {BusinessCalendar.Iso(DateOnly.FromDateTime(link.ExpiresAt.UtcDateTime))} (UTC).");
        }

        return text.ToString();
    }

    private static string[] AddressLines(string? address) =>
        address is null ? [] : address.Split([',', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
