using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Collections.Domain.Accounts;

/// <summary>
/// Validates a lender record given as text fields (a CSV row or the values of a JSON object), naming
/// every problem and what to send instead. The same rules serve imports and single PUTs.
/// </summary>
public static partial class AccountRecordParser
{
    /// <summary>The largest amount accepted in any money field; larger values are data errors.</summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary>The longest postal address accepted (one line of text).</summary>
    public const int MaxAddressLength = 300;

    public static readonly ImmutableArray<string> Fields =
    [
        "accountRef", "product", "currency", "principal", "interest", "fees", "penalty", "dueDate",
        "installmentAmount", "pastDueAmount", "borrowerName", "phone", "email", "timezone", "region", "score",
        "customerId", "address", "language",
    ];

    private static readonly FrozenSet<string> KnownFields = Fields.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Parses a record; absent and empty fields are the same.</summary>
    public static RecordParseResult Parse(IReadOnlyDictionary<string, string?> fields, string? defaultTimeZone = null)
    {
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        string? Text(string name) =>
            fields.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        foreach (var name in fields.Keys)
        {
            if (!KnownFields.Contains(name))
            {
                errors.Add(new(name, $"unknown field; the fields are {string.Join(", ", Fields)}"));
            }
        }

        var accountRef = Text("accountRef");
        if (accountRef is null)
        {
            errors.Add(new("accountRef", "is required"));
        }
        else if (!IsValidAccountRef(accountRef))
        {
            errors.Add(new("accountRef", "must be 1–64 characters of A–Z a–z 0–9 . _ : -"));
        }

        var product = Product.Installment;
        if (Text("product") is { } productText && !TryParseProduct(productText, out product))
        {
            errors.Add(new("product", $"'{productText}' is not a product; use installment, card or cashloan"));
        }

        var currency = Text("currency");
        int? minorUnits = null;
        if (currency is null)
        {
            errors.Add(new("currency", "is required (an ISO 4217 code such as CNY or USD)"));
        }
        else if ((minorUnits = Currencies.MinorUnits(currency)) is null)
        {
            errors.Add(new("currency", $"'{currency}' is not an ISO 4217 currency code (e.g. CNY, USD, EUR)"));
        }

        decimal? Amount(string name, bool required = false)
        {
            var text = Text(name);
            if (text is null)
            {
                if (required)
                {
                    errors.Add(new(name, "is required"));
                }

                return null;
            }

            if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                errors.Add(new(name, $"'{Truncate(text)}' is not a number; write it like 1234.56"));
                return null;
            }

            if (amount < 0)
            {
                errors.Add(new(name, "must not be negative"));
                return null;
            }

            if (amount > MaxAmount)
            {
                errors.Add(new(name, $"must be at most {MaxAmount.ToString(CultureInfo.InvariantCulture)}"));
                return null;
            }

            if (minorUnits is { } digits && !Currencies.FitsMinorUnits(amount, digits))
            {
                errors.Add(new(name, $"has more than {digits} decimals, the minor unit of {currency}"));
                return null;
            }

            return amount;
        }

        var principal = Amount("principal", required: true);
        var interest = Amount("interest") ?? 0;
        var fees = Amount("fees") ?? 0;
        var penalty = Amount("penalty") ?? 0;
        var installmentAmount = Amount("installmentAmount");
        var pastDueAmount = Amount("pastDueAmount");
        if (principal is { } p && p + interest + fees + penalty == 0)
        {
            errors.Add(new("principal", "must be greater than 0 unless interest, fees or penalty are"));
        }

        if (installmentAmount == 0)
        {
            errors.Add(new("installmentAmount", "must be greater than 0 when given"));
        }

        DateOnly dueDate = default;
        var dueDateText = Text("dueDate");
        if (dueDateText is null)
        {
            errors.Add(new("dueDate", "is required (the oldest unpaid due date, yyyy-MM-dd)"));
        }
        else if (!DateOnly.TryParseExact(dueDateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out dueDate))
        {
            errors.Add(new("dueDate", $"'{Truncate(dueDateText)}' is not a date in yyyy-MM-dd form"));
        }
        else if (!BusinessCalendar.Accepts(dueDate))
        {
            errors.Add(new("dueDate", $"{BusinessCalendar.Iso(dueDate)} is out of range: a due date must be {BusinessCalendar.AcceptedRange}"));
        }

        var borrowerName = Text("borrowerName");
        if (borrowerName is null)
        {
            errors.Add(new("borrowerName", "is required"));
        }
        else if (borrowerName.Length > 200)
        {
            errors.Add(new("borrowerName", "must be at most 200 characters"));
        }

        var phone = Text("phone");
        if (phone is not null && !E164().IsMatch(phone))
        {
            errors.Add(new("phone", "must be in E.164 form, e.g. +8613800138000"));
        }

        var email = Text("email");
        if (email is not null && (email.Length > 254 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email))
        {
            errors.Add(new("email", "is not an email address"));
        }

        var timeZone = Text("timezone") ?? defaultTimeZone ?? "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            errors.Add(new("timezone", $"'{Truncate(timeZone)}' is not an IANA time zone (e.g. Asia/Shanghai, America/New_York)"));
        }

        var region = Text("region");
        if (region is { Length: > 64 })
        {
            errors.Add(new("region", "must be at most 64 characters"));
        }

        var customerId = Text("customerId");
        if (customerId is not null && !IsValidAccountRef(customerId))
        {
            errors.Add(new("customerId", "must be 1–64 characters of A–Z a–z 0–9 . _ : -"));
        }

        var address = Text("address");
        if (address is { Length: > MaxAddressLength })
        {
            errors.Add(new("address", $"must be at most {MaxAddressLength} characters"));
        }

        var language = Text("language");
        if (language is not null && !Portal.PortalRules.Languages.Contains(language))
        {
            errors.Add(new("language", $"must be {string.Join(" or ", Portal.PortalRules.Languages)} (the debtor's page speaks it; absent: from the compliance profile)"));
        }

        int? score = null;
        if (Text("score") is { } scoreText)
        {
            if (int.TryParse(scoreText, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s <= 1000)
            {
                score = s;
            }
            else
            {
                errors.Add(new("score", "must be a whole number from 0 to 1000"));
            }
        }

        if (errors.Count > 0)
        {
            return new(null, errors.ToImmutable());
        }

        var record = new AccountRecord(
            accountRef!,
            product,
            currency!,
            new Balance(principal!.Value, interest, fees, penalty),
            dueDate,
            installmentAmount,
            pastDueAmount,
            new Debtor(borrowerName!, phone, email, timeZone, region, address, language),
            score,
            customerId);
        return new(record, []);
    }

    public static bool IsValidAccountRef(string value) => AccountRefPattern().IsMatch(value);

    public static bool TryParseProduct(string text, out Product product)
    {
        switch (text.ToLowerInvariant())
        {
            case "installment":
                product = Product.Installment;
                return true;
            case "card":
                product = Product.Card;
                return true;
            case "cashloan":
                product = Product.CashLoan;
                return true;
            default:
                product = default;
                return false;
        }
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,64}\z")]
    private static partial Regex AccountRefPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
