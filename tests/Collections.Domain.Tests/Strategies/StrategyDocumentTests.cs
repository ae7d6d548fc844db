using System.Collections.Immutable;
using Collections.Domain.Strategies;

namespace Collections.Domain.Tests.Strategies;

public class StrategyDocumentTests
{
    private static Strategy Valid(string json)
    {
        var result = StrategyDocument.Parse(json);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        return result.Strategy!;
    }

    private static ImmutableDictionary<string, string[]> Invalid(string json)
    {
        var result = StrategyDocument.Parse(json);
        Assert.False(result.IsValid);
        Assert.Null(result.Strategy);
        Assert.Null(result.NormalizedJson);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    [Fact]
    public void The_default_document_parses_into_the_documented_default_strategy()
    {
        var strategy = Valid(StrategyDocument.DefaultJson);

        Assert.Equal("standard", strategy.Name);
        Assert.Equal(new StageThresholds(1, 4, 31, 91, 181), strategy.Stages);
        Assert.Equal(
            [new Bucket("M1", 1), new Bucket("M2", 31), new Bucket("M3", 61), new Bucket("M4", 91), new Bucket("M5", 121), new Bucket("M6+", 151)],
            strategy.Buckets.AsEnumerable());
        Assert.Equal(3, strategy.ContactPlan.Length);
        Assert.Equal([0, 3], strategy.ContactPlan[0].DayOffsets.AsEnumerable());
        Assert.Equal(1, strategy.ContactPlan[1].EveryDays);
        Assert.Equal(new PlacementPolicy(30, 0), strategy.Placement);
        Assert.Equal(new LegalPolicy(0), strategy.Legal);
        Assert.Equal(new NegotiationPolicy(2, 3, 12, 30, 10, 60), strategy.Negotiation);
        Assert.Equal(new CompliancePolicy(ComplianceProfile.CN), strategy.Compliance);
        Assert.Equal(0, strategy.ChallengerPercent);
        Assert.Null(strategy.Challenger);
        Assert.Equal(strategy.Stages, StrategyDocument.Default.Stages);
    }

    [Fact]
    public void How_far_ahead_a_promise_or_settlement_may_run_is_30_days_by_default_and_configurable_from_1_to_365()
    {
        Assert.Equal(30, Valid("{}").Negotiation.MaxPromiseDays);
        Assert.Equal(14, Valid("""{ "negotiation": { "maxPromiseDays": 14 } }""").Negotiation.MaxPromiseDays);
        Assert.Equal(["negotiation.maxPromiseDays"], Invalid("""{ "negotiation": { "maxPromiseDays": 0 } }""").Keys);
    }

    [Fact]
    public void An_empty_document_is_the_default_strategy()
    {
        var strategy = Valid("{}");

        Assert.Equal(StrategyDocument.Default.Name, strategy.Name);
        Assert.Equal(StrategyDocument.Default.Stages, strategy.Stages);
        Assert.Equal(StrategyDocument.Default.Negotiation, strategy.Negotiation);
        Assert.Equal(StrategyDocument.Default.Buckets.AsEnumerable(), strategy.Buckets.AsEnumerable());
    }

    [Fact]
    public void A_partial_document_takes_the_defaults_for_missing_sections_and_fields()
    {
        var strategy = Valid("""
            {
              "name": "cards",
              "stages": { "ChargedOff": 180 },
              "negotiation": { "maxInstallments": 24 },
              "compliance": { "profile": "US" }
            }
            """);

        Assert.Equal("cards", strategy.Name);
        Assert.Equal(new StageThresholds(1, 4, 31, 91, 180), strategy.Stages);
        Assert.Equal(new NegotiationPolicy(2, 3, 24, 30, 10, 60), strategy.Negotiation);
        Assert.Equal(ComplianceProfile.US, strategy.Compliance.Profile);
        Assert.Equal(new PlacementPolicy(30, 0), strategy.Placement);
        Assert.Equal(6, strategy.Buckets.Length);
    }

    [Fact]
    public void An_array_in_a_document_replaces_the_default_array_rather_than_merging_into_it()
    {
        var strategy = Valid("""{ "buckets": [ {"name":"B1","fromDpd":1}, {"name":"B2","fromDpd":30} ], "contactPlan": [] }""");

        Assert.Equal([new Bucket("B1", 1), new Bucket("B2", 30)], strategy.Buckets.AsEnumerable());
        Assert.Empty(strategy.ContactPlan);
    }

    [Fact]
    public void The_normalized_document_is_the_merged_document_and_parses_to_the_same_strategy()
    {
        var result = StrategyDocument.Parse("""{ "stages": { "Legal": 61 } }""");

        var again = Valid(result.NormalizedJson!);

        Assert.Equal(result.Strategy!.Stages, again.Stages);
        Assert.Equal(61, again.Stages.Legal);
    }

    [Theory]
    [InlineData("""{ "stages": { "Mid": 4 } }""", "stages.Mid", "must be greater than Early (4): stage thresholds must increase")]
    [InlineData("""{ "stages": { "Mid": 3 } }""", "stages.Mid", "must be greater than Early (4): stage thresholds must increase")]
    [InlineData("""{ "stages": { "Early": 40 } }""", "stages.Mid", "must be greater than Early (40): stage thresholds must increase")]
    [InlineData("""{ "stages": { "ChargedOff": 90 } }""", "stages.ChargedOff", "must be greater than Legal (91): stage thresholds must increase")]
    public void Stage_thresholds_that_do_not_increase_are_rejected_with_the_path_named(string json, string path, string message)
    {
        var errors = Invalid(json);

        Assert.Equal([path], errors.Keys);
        Assert.Equal([message], errors[path]);
    }

    [Theory]
    [InlineData("""{ "stages": { "Notice": 0 } }""", "stages.Notice")]
    [InlineData("""{ "stages": { "Early": 4.5 } }""", "stages.Early")]
    [InlineData("""{ "stages": { "Legal": "91" } }""", "stages.Legal")]
    [InlineData("""{ "stages": { "ChargedOff": 3651 } }""", "stages.ChargedOff")]
    public void A_stage_threshold_that_is_not_a_whole_number_of_days_is_rejected(string json, string path)
    {
        var errors = Invalid(json);

        Assert.Equal(["must be a whole number from 1 to 3650"], errors[path]);
    }

    [Fact]
    public void An_unknown_stage_is_rejected_with_the_stages_there_are()
    {
        var errors = Invalid("""{ "stages": { "Final": 400 } }""");

        Assert.Equal(["unknown field; expected one of Notice, Early, Mid, Legal, ChargedOff"], errors["stages.Final"]);
    }

    [Fact]
    public void Every_problem_in_a_document_is_listed_at_once()
    {
        var errors = Invalid("""
            {
              "name": "",
              "colour": "red",
              "stages": { "Legal": 20 },
              "buckets": [ {"name":"M1","fromDpd":30}, {"name":"M2","fromDpd":10} ],
              "contactPlan": [ {"stage":"Notice","channel":"Pigeon","dayOffsets":[0]} ],
              "placement": { "durationDays": 0 },
              "legal": { "minBalance": -1 },
              "negotiation": { "maxWaiverPercent": 150 },
              "compliance": { "profile": "EU" },
              "challenger": { "percent": 101 }
            }
            """);

        Assert.Equal(
            [
                "buckets[1].fromDpd", "challenger.percent", "colour", "compliance.profile", "contactPlan[0].channel",
                "legal.minBalance", "name", "negotiation.maxWaiverPercent", "placement.durationDays", "stages.Legal",
            ],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_approval_limit_above_the_waiver_limit_is_rejected()
    {
        var errors = Invalid("""{ "negotiation": { "maxWaiverPercent": 20, "approvalAboveWaiverPercent": 25 } }""");

        Assert.Equal(["must not exceed maxWaiverPercent (20)"], errors["negotiation.approvalAboveWaiverPercent"]);
    }

    [Fact]
    public void An_invalid_waiver_limit_is_reported_once_and_not_again_as_a_limit_the_approval_limit_exceeds()
    {
        var errors = Invalid("""{ "negotiation": { "maxWaiverPercent": 150 } }""");

        Assert.Equal(["negotiation.maxWaiverPercent"], errors.Keys);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("42")]
    public void A_body_that_is_not_a_JSON_object_is_rejected_at_the_root(string json)
    {
        var errors = Invalid(json);

        Assert.Equal(["$"], errors.Keys);
    }

    [Fact]
    public void Challenger_overrides_produce_a_challenger_strategy_merged_over_the_champion()
    {
        var strategy = Valid("""
            {
              "name": "cards",
              "challenger": { "percent": 20, "overrides": { "name": "cards-fast-legal", "stages": { "Legal": 61 } } }
            }
            """);

        Assert.Equal(20, strategy.ChallengerPercent);
        var challenger = Assert.IsType<Strategy>(strategy.Challenger);
        Assert.Equal("cards-fast-legal", challenger.Name);
        Assert.Equal(new StageThresholds(1, 4, 31, 61, 181), challenger.Stages);
        Assert.Equal(new StageThresholds(1, 4, 31, 91, 181), strategy.Stages);
        Assert.Equal(strategy.Negotiation, challenger.Negotiation);
        Assert.Null(challenger.Challenger);
        Assert.Same(challenger, strategy.For(StrategyVariant.Challenger));
        Assert.Same(strategy, strategy.For(StrategyVariant.Champion));
    }

    [Fact]
    public void Invalid_challenger_overrides_are_rejected_under_their_own_path()
    {
        var errors = Invalid("""{ "challenger": { "percent": 50, "overrides": { "stages": { "Legal": 20 } } } }""");

        Assert.Equal(["challenger.overrides.stages.Legal"], errors.Keys);
    }

    [Fact]
    public void A_challenger_cannot_have_a_challenger_of_its_own()
    {
        var errors = Invalid("""{ "challenger": { "percent": 50, "overrides": { "challenger": { "percent": 10 } } } }""");

        Assert.Equal(["challenger.overrides.challenger"], errors.Keys);
    }

    [Fact]
    public void Without_overrides_there_is_no_challenger_and_every_account_is_champion()
    {
        var strategy = Valid("""{ "challenger": { "percent": 50 } }""");

        Assert.Null(strategy.Challenger);
        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal(StrategyVariant.Champion, strategy.VariantFor($"A-{i}")));
    }

    [Fact]
    public void VariantFor_is_deterministic_in_the_account_ref()
    {
        const string Json = """{ "challenger": { "percent": 50, "overrides": { "stages": { "Legal": 61 } } } }""";
        var first = Valid(Json);
        var second = Valid(Json);

        Assert.All(
            Enumerable.Range(0, 1_000).Select(i => $"LOAN-{i:D6}"),
            accountRef => Assert.Equal(first.VariantFor(accountRef), second.VariantFor(accountRef)));
        Assert.Equal(first.VariantFor("A-1"), first.VariantFor("A-1"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(100)]
    public void The_challenger_share_of_10000_accounts_is_within_two_points_of_the_percent(int percent)
    {
        var strategy = Valid($$"""{ "challenger": { "percent": {{percent}}, "overrides": { "stages": { "Legal": 61 } } } }""");

        var challengers = Enumerable.Range(0, 10_000).Count(i => strategy.VariantFor($"A-{i}") == StrategyVariant.Challenger);

        Assert.InRange(challengers / 100.0, percent - 2.0, percent + 2.0);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, Stage.Notice)]
    [InlineData(3, Stage.Notice)]
    [InlineData(4, Stage.Early)]
    [InlineData(31, Stage.Mid)]
    [InlineData(95, Stage.Legal)]
    [InlineData(181, Stage.ChargedOff)]
    [InlineData(5000, Stage.ChargedOff)]
    public void StageAt_gives_the_last_stage_whose_threshold_is_reached(int dpd, Stage? expected)
    {
        Assert.Equal(expected, StrategyDocument.Default.Stages.StageAt(dpd));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, "M1")]
    [InlineData(30, "M1")]
    [InlineData(31, "M2")]
    [InlineData(150, "M5")]
    [InlineData(400, "M6+")]
    public void BucketAt_gives_the_last_bucket_whose_first_day_is_reached(int dpd, string? expected)
    {
        Assert.Equal(expected, StrategyDocument.Default.BucketAt(dpd));
    }
}
