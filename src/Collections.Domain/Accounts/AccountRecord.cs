using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Orleans;

namespace Collections.Domain.Accounts;

/// <summary>
/// The debtor's contact data (with the postal <see cref="Address"/> for letters, and the <see cref="Language"/>
/// of their own page, <c>zh</c> or <c>en</c>); personal data that is never logged.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.Debtor")]
public sealed record Debtor(
    [property: Id(0)] string BorrowerName,
    [property: Id(1)] string? Phone,
    [property: Id(2)] string? Email,
    [property: Id(3)] string TimeZone,
    [property: Id(4)] string? Region,
    [property: Id(5)] string? Address = null,
    [property: Id(6)] string? Language = null);

/// <summary>
/// One validated lender record (a line of an import or the body of a PUT). The lender's core system is
/// the source of truth for balances and the oldest unpaid due date; the engine owns the lifecycle.
/// <see cref="CustomerId"/> is the lender's id of the person: accounts of one lender with the same one
/// belong to one debtor, who owns the per-person contact rules.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.AccountRecord")]
public sealed record AccountRecord(
    [property: Id(0)] string AccountRef,
    [property: Id(1)] Product Product,
    [property: Id(2)] string Currency,
    [property: Id(3)] Balance Balance,
    [property: Id(4)] DateOnly DueDate,
    [property: Id(5)] decimal? InstallmentAmount,
    [property: Id(6)] decimal? PastDueAmount,
    [property: Id(7)] Debtor Debtor,
    [property: Id(8)] int? Score,
    [property: Id(9)] string? CustomerId = null)
{
    /// <summary>
    /// What must be paid to cure: the lender's <c>pastDueAmount</c> when given, else one installment,
    /// else the whole balance (a card or cash loan whose arrears the lender did not split out).
    /// </summary>
    [JsonIgnore]
    public decimal Arrears => Math.Min(Balance.Total, PastDueAmount ?? InstallmentAmount ?? Balance.Total);
}

/// <summary>One problem with one field of a record.</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Either a valid record or every problem found in it.</summary>
public sealed record RecordParseResult(AccountRecord? Record, ImmutableArray<FieldError> Errors)
{
    public bool IsValid => Record is not null;

    /// <summary>All problems in one line, for an import summary.</summary>
    public string ErrorText => string.Join("; ", Errors);
}
