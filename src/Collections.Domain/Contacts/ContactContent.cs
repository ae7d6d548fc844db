using System.Globalization;

namespace Collections.Domain.Contacts;

/// <summary>
/// What a contact tells the debtor about the debt, as the seeds ask of a notice: the amounts owed item by
/// item, the oldest due date and the days past due, what happens next if nothing is paid (the next stage
/// and its date), the postal address for a letter, and the gateway's <see cref="Template"/>. Under the US
/// profile it carries the end of the validation period (<see cref="DisputeBy"/>) once known; with a step's
/// <c>portalLink</c>, the link to the debtor's page it carries (<see cref="PortalLink"/>: its id and expiry, never the token).
/// </summary>
public sealed record ContactContent(
    string Template,
    string Currency,
    Balance Owed,
    decimal Arrears,
    DateOnly DueDate,
    int DaysPastDue,
    Stage? NextStage,
    DateOnly? NextStageOn,
    string? Address,
    DateOnly? DisputeBy,
    IssuedLink? PortalLink = null)
{
    /// <summary>The content without personal data (no address): the preview recorded in the audit trail.</summary>
    public string Summary()
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{Template}: {Arrears:0.##} {Currency} overdue since {DueDate:yyyy-MM-dd} (DPD {DaysPastDue}); principal {Owed.Principal:0.##}, interest {Owed.Interest:0.##}, fees {Owed.Fees:0.##}, penalty {Owed.Penalty:0.##}, balance {Owed.Total:0.##} {Currency}");
        if (NextStage is { } next && NextStageOn is { } on)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"; if nothing is paid: {next} on {on:yyyy-MM-dd}");
        }

        if (DisputeBy is { } by)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"; dispute by {by:yyyy-MM-dd}");
        }

        if (PortalLink is { } link)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"; with link {link.LinkId} to the debtor's page");
        }

        return text;
    }
}
