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

/// <summary>
/// A contact cadence within a stage: fixed day offsets from stage entry, or every N days. <see cref="Template"/>
/// names the message the gateway renders (<c>{stage}.{channel}</c> unless the strategy names one). With
/// <see cref="PortalLink"/> each of its messages carries a new link to the debtor's own page (not on calls).
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.ContactPlanStep")]
public sealed record ContactPlanStep(
    [property: Id(0)] Stage Stage,
    [property: Id(1)] ContactChannel Channel,
    [property: Id(2)] ImmutableArray<int> DayOffsets,
    [property: Id(3)] int? EveryDays,
    [property: Id(4)] string? Template = null,
    [property: Id(5)] bool PortalLink = false)
{
    /// <summary>The channels whose messages can carry a link: a call has no text to put it in.</summary>
    public static bool CarriesLinks(ContactChannel channel) => channel is ContactChannel.Sms or ContactChannel.Email or ContactChannel.Letter;

    public string TemplateId => Template ?? DefaultTemplate(Stage, Channel);

    public static string DefaultTemplate(Stage stage, ContactChannel channel) => $"{stage}.{channel}";
}

[GenerateSerializer, Immutable, Alias("collections.PlacementPolicy")]
public sealed record PlacementPolicy([property: Id(0)] int DurationDays, [property: Id(1)] decimal MinBalance);

/// <summary>Whether accounts are referred for litigation at all, and from which balance; others stay in Mid until ChargedOff.</summary>
[GenerateSerializer, Immutable, Alias("collections.LegalPolicy")]
public sealed record LegalPolicy([property: Id(0)] decimal MinBalance, [property: Id(1)] bool Enabled = true);

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

    /// <summary>Days before each promise or installment date on which the debtor is reminded (the plan's contacts pause meanwhile).</summary>
    [Id(7)]
    public ImmutableArray<int> ReminderDaysBefore { get; init; } = [1];

    [Id(8)]
    public ContactChannel ReminderChannel { get; init; } = ContactChannel.Sms;

    public bool Equals(NegotiationPolicy? other) =>
        other is not null && PromiseGraceDays == other.PromiseGraceDays && MaxBrokenPromises == other.MaxBrokenPromises
        && MaxInstallments == other.MaxInstallments && MaxWaiverPercent == other.MaxWaiverPercent
        && ApprovalAboveWaiverPercent == other.ApprovalAboveWaiverPercent && MinSettlementPercent == other.MinSettlementPercent
        && MaxPromiseDays == other.MaxPromiseDays && ReminderChannel == other.ReminderChannel
        && ReminderDaysBefore.AsSpan().SequenceEqual(other.ReminderDaysBefore.AsSpan());

    public override int GetHashCode() => HashCode.Combine(PromiseGraceDays, MaxInstallments, MaxWaiverPercent, ReminderDaysBefore.Length);
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

/// <summary>How long the lender has to answer a complaint: <see cref="ResponseDays"/> days from the day it came in (debtor-local).</summary>
[GenerateSerializer, Immutable, Alias("collections.ComplaintPolicy")]
public sealed record ComplaintPolicy([property: Id(0)] int ResponseDays)
{
    public const int DefaultResponseDays = 15;

    public static readonly ComplaintPolicy Default = new(DefaultResponseDays);
}

/// <summary>How long a link to the debtor's own page opens: <see cref="LinkDays"/> days from its issue.</summary>
[GenerateSerializer, Immutable, Alias("collections.PortalPolicy")]
public sealed record PortalPolicy([property: Id(0)] int LinkDays)
{
    public const int DefaultLinkDays = 14;

    public const int MaxLinkDays = 90;

    public static readonly PortalPolicy Default = new(DefaultLinkDays);
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
    /// <summary>Treatments by risk, in order: the first whose <see cref="Segment.When"/> matches the account applies.</summary>
    [Id(10)]
    public ImmutableArray<Segment> Segments { get; init; } = [];

    /// <summary>Stage thresholds of a product that differ from the strategy's.</summary>
    [Id(11)]
    public ImmutableDictionary<Product, StageThresholds> ProductStages { get; init; } = ImmutableDictionary<Product, StageThresholds>.Empty;

    /// <summary>The response deadline of complaints.</summary>
    [Id(12)]
    public ComplaintPolicy Complaints { get; init; } = ComplaintPolicy.Default;

    /// <summary>The debtor's own page: how long its links open.</summary>
    [Id(13)]
    public PortalPolicy Portal { get; init; } = PortalPolicy.Default;

    /// <summary>The first segment an account of these figures belongs to, or null when none matches.</summary>
    public Segment? SegmentFor(int daysPastDue, decimal balance, int? score, Product product)
    {
        foreach (var segment in Segments)
        {
            if (segment.When.Matches(daysPastDue, balance, score, product))
            {
                return segment;
            }
        }

        return null;
    }

    /// <summary>
    /// The rules an account of <paramref name="segment"/> and <paramref name="product"/> follows: the segment's
    /// sections over the strategy's, and the product's stage thresholds unless the segment gives its own.
    /// The result has no segments of its own, so resolving it again changes nothing.
    /// </summary>
    public Strategy Resolve(string? segment, Product product)
    {
        if (Segments.IsEmpty && ProductStages.IsEmpty)
        {
            return this;
        }

        var chosen = segment is null ? null : Segments.FirstOrDefault(s => s.Name == segment);
        var rules = chosen?.Rules ?? this;
        if (chosen is not { SetsStages: true } && ProductStages.TryGetValue(product, out var stages))
        {
            rules = rules with { Stages = stages };
        }

        return rules with { Segments = [], ProductStages = ImmutableDictionary<Product, StageThresholds>.Empty };
    }

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

/// <summary>When a segment applies: every bound inclusive, a missing one open.</summary>
[GenerateSerializer, Immutable, Alias("collections.SegmentWhen")]
public sealed record SegmentWhen(
    [property: Id(0)] int? MinDpd,
    [property: Id(1)] int? MaxDpd,
    [property: Id(2)] decimal? MinBalance,
    [property: Id(3)] decimal? MaxBalance,
    [property: Id(4)] int? MinScore,
    [property: Id(5)] int? MaxScore,
    [property: Id(6)] ImmutableArray<Product> Products)
{
    public static readonly SegmentWhen Always = new(null, null, null, null, null, null, []);

    /// <summary>
    /// Whether an account of these figures is inside every bound. An account without a score is outside
    /// any score bound: an unknown score is not a low (or a high) one.
    /// </summary>
    public bool Matches(int daysPastDue, decimal balance, int? score, Product product) =>
        (MinDpd is not { } minDpd || daysPastDue >= minDpd)
        && (MaxDpd is not { } maxDpd || daysPastDue <= maxDpd)
        && (MinBalance is not { } minBalance || balance >= minBalance)
        && (MaxBalance is not { } maxBalance || balance <= maxBalance)
        && ((MinScore is null && MaxScore is null) || (score is { } s && s >= (MinScore ?? int.MinValue) && s <= (MaxScore ?? int.MaxValue)))
        && (Products.IsDefaultOrEmpty || Products.Contains(product));

    /// <summary>The days past due at which this segment starts or stops matching, as DPD goes up day by day.</summary>
    public IEnumerable<int> DpdEdges()
    {
        if (MinDpd is { } min)
        {
            yield return min;
        }

        if (MaxDpd is { } max)
        {
            yield return max + 1;
        }
    }

    public bool Equals(SegmentWhen? other) =>
        other is not null && MinDpd == other.MinDpd && MaxDpd == other.MaxDpd && MinBalance == other.MinBalance
        && MaxBalance == other.MaxBalance && MinScore == other.MinScore && MaxScore == other.MaxScore
        && Products.AsSpan().SequenceEqual(other.Products.AsSpan());

    public override int GetHashCode() => HashCode.Combine(MinDpd, MaxDpd, MinBalance, MaxBalance, MinScore, MaxScore);
}

/// <summary>
/// A treatment by risk: accounts inside <see cref="When"/> follow <see cref="Rules"/> (the strategy with the
/// segment's sections over it). <see cref="SetsStages"/>: the segment gives its own stage thresholds, which
/// then win over a product's.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.Segment")]
public sealed record Segment(
    [property: Id(0)] string Name,
    [property: Id(1)] SegmentWhen When,
    [property: Id(2)] Strategy Rules,
    [property: Id(3)] bool SetsStages);

/// <summary>Which strategy an account follows: a lender's named, versioned document and its variant.</summary>
[GenerateSerializer, Immutable, Alias("collections.StrategyRef")]
public sealed record StrategyRef(
    [property: Id(0)] string Name,
    [property: Id(1)] int Version,
    [property: Id(2)] StrategyVariant Variant);
