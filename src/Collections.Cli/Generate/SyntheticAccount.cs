namespace Collections.Cli.Generate;

/// <summary>One generated lender record, with the API's field names and rules (see API.md).</summary>
public sealed record SyntheticAccount(
    string AccountRef,
    string Product,
    string Currency,
    decimal Principal,
    decimal Interest,
    decimal Fees,
    decimal Penalty,
    DateOnly DueDate,
    decimal? InstallmentAmount,
    decimal? PastDueAmount,
    string BorrowerName,
    string? Phone,
    string? Email,
    string TimeZone,
    string? Region,
    int? Score,
    string CustomerId,
    string? Address,
    string Language)
{
    /// <summary>The record fields in the order of a CSV header; the same names the API's parser knows.</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        "accountRef", "product", "currency", "principal", "interest", "fees", "penalty", "dueDate",
        "installmentAmount", "pastDueAmount", "borrowerName", "phone", "email", "timezone", "region", "score",
        "customerId", "address", "language",
    ];
}
