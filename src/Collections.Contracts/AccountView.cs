using System.Collections.Immutable;
using Collections.Domain;
using Collections.Domain.Accounts;

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
    [property: Id(4)] string? Region,
    [property: Id(5)] string? Address = null);

/// <summary>An active placement with a collection agency.</summary>
[GenerateSerializer, Immutable, Alias("collections.PlacementView")]
public sealed record PlacementView(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] DateTimeOffset PlacedAt,
    [property: Id(2)] DateTimeOffset ExpiresAt);

/// <summary>An open promise to pay; decided kept or broken at <see cref="DecidedAt"/> (when <see cref="LastDay"/> ends).</summary>
[GenerateSerializer, Immutable, Alias("collections.PromiseView")]
public sealed record PromiseView(
    [property: Id(0)] decimal Amount,
    [property: Id(1)] DateOnly DueDate,
    [property: Id(2)] DateOnly LastDay,
    [property: Id(3)] DateTimeOffset DecidedAt,
    [property: Id(4)] decimal Paid,
    [property: Id(5)] DateTimeOffset MadeAt);

/// <summary>One installment of a plan and how much of it the payments so far cover.</summary>
[GenerateSerializer, Immutable, Alias("collections.InstallmentView")]
public sealed record InstallmentView(
    [property: Id(0)] DateOnly DueDate,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] decimal Paid);

/// <summary>Amounts forgiven if the plan is completed.</summary>
[GenerateSerializer, Immutable, Alias("collections.WaiverView")]
public sealed record WaiverView(
    [property: Id(0)] decimal Interest,
    [property: Id(1)] decimal Fees,
    [property: Id(2)] decimal Penalty,
    [property: Id(3)] decimal Total);

/// <summary>A payment plan in force (<c>Active</c>) or waiting for the lender's approval (<c>PendingApproval</c>).</summary>
[GenerateSerializer, Immutable, Alias("collections.PlanView")]
public sealed record PlanView(
    [property: Id(0)] ApprovalStatus Status,
    [property: Id(1)] ImmutableArray<InstallmentView> Installments,
    [property: Id(2)] WaiverView Waive,
    [property: Id(3)] decimal Total,
    [property: Id(4)] decimal Paid,
    [property: Id(5)] decimal Remaining,
    [property: Id(6)] DateOnly? NextDueDate,
    [property: Id(7)] DateTimeOffset SubmittedAt,
    [property: Id(8)] int GraceDays);

/// <summary>A settlement offer: paying <see cref="Amount"/> by the end of <see cref="ExpiresOn"/> closes the account as Settled.</summary>
[GenerateSerializer, Immutable, Alias("collections.SettlementView")]
public sealed record SettlementView(
    [property: Id(0)] ApprovalStatus Status,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] DateOnly ExpiresOn,
    [property: Id(3)] decimal Paid,
    [property: Id(4)] decimal Forgiven,
    [property: Id(5)] DateTimeOffset OfferedAt);

/// <summary>An open dispute and the validation window counted from the first notice.</summary>
[GenerateSerializer, Immutable, Alias("collections.DisputeView")]
public sealed record DisputeView(
    [property: Id(0)] string Reason,
    [property: Id(1)] DateTimeOffset OpenedAt,
    [property: Id(2)] DateTimeOffset? FirstNoticeAt,
    [property: Id(3)] DateOnly? ValidationWindowEndsOn,
    [property: Id(4)] bool WithinValidationWindow);

/// <summary>A hold on the account and the collection activities it stops.</summary>
[GenerateSerializer, Immutable, Alias("collections.HoldView")]
public sealed record HoldView(
    [property: Id(0)] HoldType Type,
    [property: Id(1)] string? Note,
    [property: Id(2)] DateTimeOffset PlacedAt,
    [property: Id(3)] ImmutableArray<string> Stops);

/// <summary>The account's lawsuit: case reference, filing and judgment dates, and the latest step.</summary>
[GenerateSerializer, Immutable, Alias("collections.LitigationView")]
public sealed record LitigationView(
    [property: Id(0)] string? CaseReference,
    [property: Id(1)] DateOnly FiledOn,
    [property: Id(2)] DateOnly? JudgmentOn,
    [property: Id(3)] LitigationStep LastStep,
    [property: Id(4)] DateOnly LastStepOn,
    [property: Id(5)] int Steps);

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
    [Id(9)] public ImmutableArray<HoldView> Holds { get; init; } = [];
    [Id(10)] public DisputeView? Dispute { get; init; }
    [Id(11)] public PromiseView? Promise { get; init; }
    [Id(12)] public PlanView? Plan { get; init; }
    [Id(13)] public SettlementView? Settlement { get; init; }
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
    /// <summary>The lawsuit, once filed (Legal stage).</summary>
    [Id(29)] public LitigationView? Litigation { get; init; }
    /// <summary>Why escalation waits: <c>dispute</c>, <c>hold:{type}</c>, <c>promise</c>, <c>plan</c> or <c>settlement</c>; null when it proceeds.</summary>
    [Id(30)] public string? EscalationHeldBy { get; init; }
    [Id(31)] public int PromisesKept { get; init; }
    /// <summary>Broken promises so far; at the strategy's <c>maxBrokenPromises</c> no new promise is accepted.</summary>
    [Id(32)] public int PromisesBroken { get; init; }
    /// <summary>What completed plans and paid settlements forgave.</summary>
    [Id(33)] public decimal Forgiven { get; init; }
    /// <summary>When the first notice went out: the start of the dispute validation window.</summary>
    [Id(34)] public DateTimeOffset? FirstNoticeAt { get; init; }
    /// <summary>The lender's id of the person (accounts with the same one belong to one debtor); null when not given.</summary>
    [Id(40)] public string? CustomerId { get; init; }
    /// <summary>Phone numbers reported wrong: no call or SMS goes to them until another number arrives.</summary>
    [Id(41)] public ImmutableArray<string> WrongNumbers { get; init; } = [];
    /// <summary>The strategy's segment the account is treated by; null when none matches.</summary>
    [Id(42)] public string? Segment { get; init; }
    /// <summary>US: the last day of the validation period (receipt 5 business days after the notice + 30 days); null until it is sent.</summary>
    [Id(43)] public DateOnly? ValidationEndsOn { get; init; }
}
