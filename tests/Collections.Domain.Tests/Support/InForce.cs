using Collections.Domain.Accounts;
using Collections.Domain.Strategies;

namespace Collections.Domain.Tests.Support;

public static class InForce
{
    /// <summary>The default strategy (Notice 1, Early 4, Mid 31, Legal 91, ChargedOff 181), version 1, champion.</summary>
    public static StrategyInForce Standard { get; } =
        new(new StrategyRef("standard", 1, StrategyVariant.Champion), StrategyDocument.Default);

    public static StrategyInForce WithStages(StageThresholds stages) =>
        new(new StrategyRef("generated", 1, StrategyVariant.Champion), StrategyDocument.Default with { Stages = stages });
}
