using Collections.Domain;

namespace Collections.Contracts;

/// <summary>An arrangement waiting for the lender's approval: what kind, how much it forgives, who submitted it and when.</summary>
[GenerateSerializer, Immutable, Alias("collections.PendingApproval")]
public sealed record PendingApproval(
    [property: Id(0)] ApprovalKind Kind,
    [property: Id(1)] decimal WaivePercent,
    [property: Id(2)] string? SubmittedBy,
    [property: Id(3)] DateTimeOffset SubmittedAt);

public enum ApprovalKind
{
    Plan,
    Settlement,
}

/// <summary>
/// What the account read model keeps of one account: the fields accounts are found by, small enough to
/// be rewritten on every change that touches them. <see cref="Bucket"/> and <see cref="RiskTier"/> are as
/// of the last write (the account writes again at its bucket boundaries); days past due are computed
/// when read, from <see cref="DueDate"/> in the debtor's <see cref="TimeZone"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.AccountSummary")]
public sealed record AccountSummary(
    [property: Id(0)] string AccountRef,
    [property: Id(1)] long Version,
    [property: Id(2)] string? CustomerId,
    [property: Id(3)] AccountStatus Status,
    [property: Id(4)] Stage? Stage,
    [property: Id(5)] string? Bucket,
    [property: Id(6)] DateOnly DueDate,
    [property: Id(7)] string? TimeZone,
    [property: Id(8)] string Currency,
    [property: Id(9)] BalanceView Balance,
    [property: Id(10)] RiskTier RiskTier,
    [property: Id(11)] string? Segment,
    [property: Id(12)] string? AgencyId,
    [property: Id(13)] PendingApproval? Pending,
    [property: Id(14)] IReadOnlyList<ComplaintDigest>? Complaints = null);

/// <summary>
/// A search of one lender's accounts: every filter given must match (AND), ordered by accountRef,
/// starting after <see cref="After"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.AccountQuery")]
public sealed record AccountQuery(
    [property: Id(0)] AccountStatus? Status = null,
    [property: Id(1)] Stage? Stage = null,
    [property: Id(2)] string? Bucket = null,
    [property: Id(3)] string? Segment = null,
    [property: Id(4)] RiskTier? RiskTier = null,
    [property: Id(5)] string? AgencyId = null,
    [property: Id(6)] string? CustomerId = null,
    [property: Id(7)] decimal? MinBalance = null,
    [property: Id(8)] decimal? MaxBalance = null,
    [property: Id(9)] bool PendingApproval = false,
    [property: Id(10)] string? After = null,
    [property: Id(11)] int Limit = 100,
    [property: Id(12)] Domain.Accounts.ComplaintStatus? Complaints = null,
    [property: Id(13)] bool HasComplaints = false);

/// <summary>A page of summaries; <see cref="Next"/> is the accountRef to continue after, null at the end.</summary>
[GenerateSerializer, Immutable, Alias("collections.AccountSummaryPage")]
public sealed record AccountSummaryPage(
    [property: Id(0)] IReadOnlyList<AccountSummary> Items,
    [property: Id(1)] string? Next);

/// <summary>
/// The account read model, served by the silos (an API-only tier has no store of its own). Stateless:
/// any silo answers, so no single grain carries the searches.
/// </summary>
[Alias("collections.IAccountIndexGrain")]
public interface IAccountIndexGrain : IGrainWithIntegerKey
{
    [Alias("Search")]
    Task<AccountSummaryPage> SearchAsync(string lenderId, AccountQuery query);

    /// <summary>Re-derives every stored account's summary from its snapshot; returns how many accounts were indexed.</summary>
    [Alias("Rebuild"), ResponseTimeout("01:00:00")]
    Task<long> RebuildAsync();
}
