using System.Globalization;
using Collections.Contracts;
using Collections.Domain.Accounts;

namespace Collections.Grains.Index;

/// <summary>
/// The fields an account is found by, one rule for every index: the terms a summary is filed under and
/// the terms a query asks for. A balance range has no set (a range over a million balances would be a
/// sorted set per lender rewritten on every payment): it is checked on the walked candidates.
/// </summary>
public static class AccountIndexTerms
{
    /// <summary>Every term field, in the order the stores file them.</summary>
    public static readonly string[] Fields = ["status", "stage", "bucket", "segment", "riskTier", "agencyId", "customerId", "approval",
        "complaint", "complaintOpen", "complaintOverdue", "complaintResolved"];

    /// <summary>
    /// The most candidates one page may look at: a page costs at most this many reads, however rare the
    /// accounts that match. A page that stops there is short (possibly empty) and carries a cursor on.
    /// </summary>
    public const int WalkBudget = 2_000;

    public const string Pending = "Pending";

    /// <summary>The value of a complaint term: the account has a complaint (of that status).</summary>
    public const string Any = "1";

    /// <summary>The value of each <see cref="Fields"/> entry for <paramref name="summary"/>, null when it has none.</summary>
    public static string?[] Of(AccountSummary summary) =>
    [
        summary.Status.ToString(),
        summary.Stage?.ToString(),
        summary.Bucket,
        summary.Segment,
        summary.RiskTier.ToString(),
        summary.AgencyId,
        summary.CustomerId,
        summary.Pending is null ? null : Pending,
        summary.Complaints is { Count: > 0 } ? Any : null,
        .. Enum.GetValues<ComplaintStatus>().Select(status => summary.Complaints?.Any(c => c.Status == status) == true ? Any : null),
    ];

    /// <summary>The (field, value) terms a query asks for; none means every account of the lender.</summary>
    public static IReadOnlyList<(string Field, string Value)> Of(AccountQuery query)
    {
        string?[] values =
        [
            query.Status?.ToString(),
            query.Stage?.ToString(),
            query.Bucket,
            query.Segment,
            query.RiskTier?.ToString(),
            query.AgencyId,
            query.CustomerId,
            query.PendingApproval ? Pending : null,
            query.HasComplaints ? Any : null,
            .. Enum.GetValues<ComplaintStatus>().Select(status => query.Complaints == status ? Any : null),
        ];
        return [.. Fields.Zip(values).Where(t => t.Second is not null).Select(t => (t.First, t.Second!))];
    }

    /// <summary>Whether <paramref name="summary"/> satisfies every filter of <paramref name="query"/>.</summary>
    public static bool Matches(AccountSummary summary, AccountQuery query)
    {
        var terms = Of(summary);
        var wanted = Of(query);
        return wanted.All(w => terms[Array.IndexOf(Fields, w.Field)] == w.Value)
            && (query.MinBalance is not { } min || summary.Balance.Total >= min)
            && (query.MaxBalance is not { } max || summary.Balance.Total <= max);
    }

    /// <summary>The name of the set of accounts with <paramref name="field"/> = <paramref name="value"/>.</summary>
    public static string SetName(string field, string value) => string.Create(CultureInfo.InvariantCulture, $"{field}:{value}");
}
