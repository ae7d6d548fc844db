using System.Collections.Immutable;
using Collections.Domain;

namespace Collections.Contracts;

/// <summary>Balance components and their total, as shown to API clients.</summary>
[GenerateSerializer, Immutable, Alias("collections.BalanceView")]
public sealed record BalanceView(
    [property: Id(0)] decimal Principal,
    [property: Id(1)] decimal Interest,
    [property: Id(2)] decimal Fees,
    [property: Id(3)] decimal Penalty,
    [property: Id(4)] decimal Total)
{
    public static BalanceView From(Balance balance) =>
        new(balance.Principal, balance.Interest, balance.Fees, balance.Penalty, balance.Total);
}

/// <summary>The strategy an account follows.</summary>
[GenerateSerializer, Immutable, Alias("collections.StrategyView")]
public sealed record StrategyRefView(
    [property: Id(0)] string Name,
    [property: Id(1)] int Version,
    [property: Id(2)] string Variant);

/// <summary>The debtor's contact data, visible to the lender that owns the account.</summary>
[GenerateSerializer, Immutable, Alias("collections.ContactView")]
public sealed record ContactView(
    [property: Id(0)] string BorrowerName,
    [property: Id(1)] string? Phone,
    [property: Id(2)] string? Email,
    [property: Id(3)] string Timezone,
    [property: Id(4)] string? Region);

/// <summary>An active placement with a collection agency.</summary>
[GenerateSerializer, Immutable, Alias("collections.PlacementView")]
public sealed record PlacementView(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] DateTimeOffset PlacedAt,
    [property: Id(2)] DateTimeOffset ExpiresAt);

/// <summary>
/// The account as the API shows it (<c>GET …/accounts/{accountRef}</c>). Negotiation, dispute and
/// placement fields are part of the contract and are null while the account has none.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.AccountView")]
public sealed record AccountView
{
    [Id(0)] public required string LenderId { get; init; }
    [Id(1)] public required string AccountRef { get; init; }
    [Id(2)] public required AccountStatus Status { get; init; }
    /// <summary>Null before the Notice threshold (an account imported before it is past due).</summary>
    [Id(3)] public Stage? Stage { get; init; }
    [Id(4)] public string? Bucket { get; init; }
    [Id(5)] public int DaysPastDue { get; init; }
    [Id(6)] public RiskTier RiskTier { get; init; }
    [Id(7)] public required string Currency { get; init; }
    [Id(8)] public required BalanceView Balance { get; init; }
    [Id(9)] public ImmutableArray<string> Holds { get; init; } = [];
    [Id(10)] public object? Dispute { get; init; }
    [Id(11)] public object? Promise { get; init; }
    [Id(12)] public object? Plan { get; init; }
    [Id(13)] public object? Settlement { get; init; }
    [Id(14)] public PlacementView? Placement { get; init; }
    [Id(15)] public required StrategyRefView Strategy { get; init; }
    [Id(16)] public DateTimeOffset? NextWakeAt { get; init; }
    [Id(17)] public ClosedReason? ClosedReason { get; init; }
    [Id(18)] public long EventCount { get; init; }
    [Id(19)] public required Product Product { get; init; }
    [Id(20)] public DateOnly DueDate { get; init; }
    /// <summary>What must still be paid to cure.</summary>
    [Id(21)] public decimal Arrears { get; init; }
    [Id(22)] public decimal Collected { get; init; }
    [Id(23)] public decimal Overpaid { get; init; }
    [Id(24)] public DateTimeOffset OpenedAt { get; init; }
    [Id(25)] public DateTimeOffset? StageEnteredAt { get; init; }
    [Id(26)] public DateTimeOffset? ClosedAt { get; init; }
    [Id(27)] public string? NextWakeReason { get; init; }
    [Id(28)] public required ContactView Contact { get; init; }
}
