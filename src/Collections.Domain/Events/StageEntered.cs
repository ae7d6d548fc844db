using Collections.Domain.Strategies;

namespace Collections.Domain.Events;

/// <summary>
/// The account reached a stage's threshold. <see cref="Strategy"/> is the version adopted on entry:
/// an account keeps its strategy version until it leaves a stage.
/// </summary>
public sealed record StageEntered(Stage Stage, int DaysPastDue, int ThresholdDpd, StrategyRef Strategy) : AccountEventData;
