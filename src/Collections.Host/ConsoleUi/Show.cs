using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Collections.Contracts;
using Collections.Domain;
using Microsoft.AspNetCore.Html;

namespace Collections.Host.ConsoleUi;

/// <summary>
/// How the console shows values. Instants are rendered in UTC and marked up with their ISO value; the
/// console's script rewrites them into the browser's own zone (so without script the viewer reads UTC).
/// </summary>
public static class Show
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static IHtmlContent Time(DateTimeOffset? at)
    {
        if (at is not { } value)
        {
            return new HtmlString("—");
        }

        var utc = value.ToUniversalTime();
        return new HtmlString($"""<time datetime="{utc:yyyy-MM-ddTHH:mm:ssZ}" data-local>{utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC</time>""");
    }

    /// <summary>The debtor's own clock at <paramref name="at"/>, for contact times.</summary>
    public static IHtmlContent DebtorTime(DateTimeOffset at, string? timezone)
    {
        if (timezone is null || !TimeZoneInfo.TryFindSystemTimeZoneById(timezone, out var zone))
        {
            return HtmlString.Empty;
        }

        var local = TimeZoneInfo.ConvertTime(at, zone);
        return new HtmlString($"""<span class="debtor-time">debtor's time {local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {Encoder.Encode(timezone)}</span>""");
    }

    public static string Money(decimal amount, string? currency = null) =>
        amount.ToString("#,0.00", CultureInfo.InvariantCulture) + (currency is null ? string.Empty : " " + currency);

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "—";

    public static string Percent(decimal rate) => (rate * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>"ContactSuppressed" → "Contact suppressed".</summary>
    public static string Words(string name)
    {
        var text = new System.Text.StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>An event's own scalar fields, "name: value", for the readable timeline (nested records are left to the evidence bundle).</summary>
    public static IEnumerable<(string Name, string Value)> Facts(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        // The event's type is already the entry's title.
        foreach (var property in data.EnumerateObject().Where(p => p.Name != "type"))
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.True => "yes",
                JsonValueKind.False => "no",
                _ => null,
            };
            if (!string.IsNullOrEmpty(value))
            {
                yield return (Words(property.Name).ToLowerInvariant(), value);
            }
        }
    }

    /// <summary>The rule an event names (a suppressed or violating contact), or null.</summary>
    public static string? Rule(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("rule", out var rule) && rule.ValueKind == JsonValueKind.String ? rule.GetString() : null;

    /// <summary>Whether an event is a contact (shown with the debtor's local time beside it).</summary>
    public static bool IsContact(string type) => type.StartsWith("Contact", StringComparison.Ordinal) || type == "AgencyContactRecorded";

    public static string Stage(Stage? stage) => stage?.ToString() ?? "not yet past due";

    public static string Balance(BalanceView balance, string currency) => Money(balance.Total, currency);
}
