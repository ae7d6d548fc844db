using System.Globalization;
using Collections.Domain.Accounts;

namespace Collections.Domain.Tests.Support;

/// <summary>
/// Test data for lender records. <see cref="Account"/> starts from one complete, valid record (CNY, due
/// 2026-01-05, Asia/Shanghai, 1 025.00 owed) and each test changes only what it is about.
/// </summary>
public static class Records
{
    public static readonly DateOnly DueDate = new(2026, 1, 5);

    public static AccountRecordBuilder Account(string accountRef = "A-1") => new AccountRecordBuilder().Ref(accountRef);

    /// <summary>An instant on the business day on which the record is <paramref name="dpd"/> days past due, at a local hour.</summary>
    public static DateTimeOffset AtDpd(this AccountRecord record, int dpd, int localHour = 10) =>
        BusinessCalendar.StartOfDay(record.DueDate.AddDays(dpd), BusinessCalendar.Zone(record.Debtor.TimeZone)).AddHours(localHour);

    public static string Text(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A lender record as the text fields of an import line, valid until a test says otherwise.</summary>
public sealed class AccountRecordBuilder
{
    private readonly Dictionary<string, string?> fields = new(StringComparer.Ordinal)
    {
        ["accountRef"] = "A-1",
        ["product"] = "installment",
        ["currency"] = "CNY",
        ["principal"] = "1000.00",
        ["interest"] = "20.00",
        ["fees"] = "0",
        ["penalty"] = "5.00",
        ["dueDate"] = "2026-01-05",
        ["borrowerName"] = "Li Lei",
        ["phone"] = "+8613800138000",
        ["email"] = "li.lei@example.com",
        ["timezone"] = "Asia/Shanghai",
    };

    public AccountRecordBuilder With(string field, string? value)
    {
        fields[field] = value;
        return this;
    }

    public AccountRecordBuilder Without(string field)
    {
        fields.Remove(field);
        return this;
    }

    public AccountRecordBuilder Ref(string accountRef) => With("accountRef", accountRef);

    public AccountRecordBuilder Currency(string code) => With("currency", code);

    public AccountRecordBuilder Owing(decimal principal, decimal interest = 0, decimal fees = 0, decimal penalty = 0) =>
        With("principal", Records.Text(principal))
            .With("interest", Records.Text(interest))
            .With("fees", Records.Text(fees))
            .With("penalty", Records.Text(penalty));

    public AccountRecordBuilder Installment(decimal amount) => With("installmentAmount", Records.Text(amount));

    public AccountRecordBuilder PastDue(decimal amount) => With("pastDueAmount", Records.Text(amount));

    public AccountRecordBuilder DueOn(DateOnly date) => With("dueDate", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    public AccountRecordBuilder InTimeZone(string timeZone) => With("timezone", timeZone);

    public IReadOnlyDictionary<string, string?> Fields => new Dictionary<string, string?>(fields, StringComparer.Ordinal);

    public RecordParseResult Parse(string? lenderTimeZone = null) => AccountRecordParser.Parse(Fields, lenderTimeZone);

    /// <summary>The parsed record; test data that does not parse is a mistake in the test.</summary>
    public AccountRecord Build()
    {
        var result = Parse();
        return result.Record ?? throw new InvalidOperationException($"The test record is invalid: {result.ErrorText}");
    }
}
