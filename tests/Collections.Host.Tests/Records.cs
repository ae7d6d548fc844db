using System.Globalization;

namespace Collections.Host.Tests;

/// <summary>Lender records as NDJSON lines and CSV rows.</summary>
public static class Records
{
    public const string CsvHeader = "accountRef,currency,principal,interest,dueDate,borrowerName,phone,timezone";

    public static string DueDaysAgo(int days) => DaysFromToday(-days);

    /// <summary>Today (UTC) plus <paramref name="days"/>, as yyyy-MM-dd.</summary>
    public static string DaysFromToday(int days) =>
        DateOnly.FromDateTime(DateTime.UtcNow).AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Ndjson(string accountRef, decimal principal = 1000m, int daysPastDue = 10, string currency = "CNY") =>
        $$"""{"accountRef":"{{accountRef}}","currency":"{{currency}}","principal":{{principal.ToString(CultureInfo.InvariantCulture)}},"dueDate":"{{DueDaysAgo(daysPastDue)}}","borrowerName":"Test Borrower","timezone":"UTC"}""";

    public static string Csv(string accountRef, decimal principal = 1000m, int daysPastDue = 10) =>
        $"{accountRef},CNY,{principal.ToString(CultureInfo.InvariantCulture)},0,{DueDaysAgo(daysPastDue)},Test Borrower,+8613800138000,UTC";
}
