using System.Collections.Immutable;
using Orleans;

namespace Collections.Domain.Strategies;

/// <summary>Days past due at which each stage is entered; strictly increasing.</summary>
[GenerateSerializer, Immutable, Alias("collections.StageThresholds")]
public sealed record StageThresholds(
    [property: Id(0)] int Notice,
    [property: Id(1)] int Early,
    [property: Id(2)] int Mid,
    [property: Id(3)] int Legal,
    [property: Id(4)] int ChargedOff)
{
    public int For(Stage stage) => stage switch
    {
        Stage.Notice => Notice,
        Stage.Early => Early,
        Stage.Mid => Mid,
        Stage.Legal => Legal,
        Stage.ChargedOff => ChargedOff,
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };

    /// <summary>The stage that <paramref name="daysPastDue"/> calls for, or null before Notice.</summary>
    public Stage? StageAt(int daysPastDue)
    {
        Stage? stage = null;
        foreach (var candidate in Enum.GetValues<Stage>())
        {
            if (daysPastDue >= For(candidate))
            {
                stage = candidate;
            }
        }

        return stage;
    }
}

[GenerateSerializer, Immutable, Alias("collections.Bucket")]
public sealed record Bucket([property: Id(0)] string Name, [property: Id(1)] int FromDpd);

/// <summary>A contact cadence within a stage: fixed day offsets from stage entry, or every N days.</summary>
[GenerateSerializer, Immutable, Alias("collections.ContactPlanStep")]
public sealed record ContactPlanStep(
    [property: Id(0)] Stage Stage,
    [property: Id(1)] ContactChannel Channel,
    [property: Id(2)] ImmutableArray<int> DayOffsets,
    [property: Id(3)] int? EveryDays);

[GenerateSerializer, Immutable, Alias("collections.PlacementPolicy")]
public sealed record PlacementPolicy([property: Id(0)] int DurationDays, [property: Id(1)] decimal MinBalance);

[GenerateSerializer, Immutable, Alias("collections.LegalPolicy")]
public sealed record LegalPolicy([property: Id(0)] decimal MinBalance);

/// <summary>
/// Limits of negotiation. Waivers and the part of a settlement below the balance are percentages of the
/// balance; above <see cref="ApprovalAboveWaiverPercent"/> the lender must approve. A promise's date and
/// a settlement's expiry are at most <see cref="MaxPromiseDays"/> ahead, since they hold escalation.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.NegotiationPolicy")]
public sealed record NegotiationPolicy(
    [property: Id(0)] int PromiseGraceDays,
    [property: Id(1)] int MaxBrokenPromises,
    [property: Id(2)] int MaxInstallments,
    [property: Id(3)] decimal MaxWaiverPercent,
    [property: Id(4)] decimal ApprovalAboveWaiverPercent,
    [property: Id(5)] decimal MinSettlementPercent,
    [property: Id(6)] int MaxPromiseDays = NegotiationPolicy.DefaultMaxPromiseDays)
{
    public const int DefaultMaxPromiseDays = 30;
}

/// <summary>
/// The compliance profile and the lender's holidays (debtor-local dates on which nobody is contacted);
/// <see cref="UnansweredDialsPerDay"/> is the CN profile's soft cap on unanswered dials per number per day.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.CompliancePolicy")]
public sealed record CompliancePolicy([property: Id(0)] ComplianceProfile Profile)
{
    [Id(1)]
    public ImmutableArray<DateOnly> Holidays { get; init; } = [];

    [Id(2)]
    public int UnansweredDialsPerDay { get; init; } = Contacts.ContactPolicy.DefaultUnansweredDialsPerDay;
}

/// <summary>
/// A lender's collection strategy: everything that differs between lenders and products is data here,
/// not code. <see cref="Challenger"/> is the variant (overrides applied), when one is configured.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.Strategy")]
public sealed record Strategy(
    [property: Id(0)] string Name,
    [property: Id(1)] StageThresholds Stages,
    [property: Id(2)] ImmutableArray<Bucket> Buckets,
    [property: Id(3)] ImmutableArray<ContactPlanStep> ContactPlan,
    [property: Id(4)] PlacementPolicy Placement,
    [property: Id(5)] LegalPolicy Legal,
    [property: Id(6)] NegotiationPolicy Negotiation,
    [property: Id(7)] CompliancePolicy Compliance,
    [property: Id(8)] int ChallengerPercent,
    [property: Id(9)] Strategy? Challenger)
{
    /// <summary>The bucket name for a number of days past due, or null before the first bucket.</summary>
    public string? BucketAt(int daysPastDue)
    {
        string? name = null;
        foreach (var bucket in Buckets)
        {
            if (daysPastDue >= bucket.FromDpd)
            {
                name = bucket.Name;
            }
        }

        return name;
    }

    /// <summary>The rules in force for an account of the given variant.</summary>
    public Strategy For(StrategyVariant variant) =>
        variant == StrategyVariant.Challenger && Challenger is not null ? Challenger : this;

    /// <summary>
    /// Champion/challenger split, deterministic in the account reference so that re-imports and every
    /// silo agree: a stable hash of the ref (not <see cref="string.GetHashCode()"/>, which is per process).
    /// </summary>
    public StrategyVariant VariantFor(string accountRef)
    {
        if (Challenger is null || ChallengerPercent <= 0)
        {
            return StrategyVariant.Champion;
        }

        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(accountRef));
        var slot = BitConverter.ToUInt32(hash, 0) % 100;
        return slot < ChallengerPercent ? StrategyVariant.Challenger : StrategyVariant.Champion;
    }
}

/// <summary>Which strategy an account follows: a lender's named, versioned document and its variant.</summary>
[GenerateSerializer, Immutable, Alias("collections.StrategyRef")]
public sealed record StrategyRef(
    [property: Id(0)] string Name,
    [property: Id(1)] int Version,
    [property: Id(2)] StrategyVariant Variant);
