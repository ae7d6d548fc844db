using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Collections.Domain.Strategies;

namespace Collections.Domain.Accounts;

/// <summary>
/// An account's current state: a left fold of its events (<see cref="AccountLifecycle.Apply"/>), also
/// stored as the snapshot beside the log so that activation does not replay the whole history.
/// </summary>
public sealed record AccountState
{
    public required string LenderId { get; init; }

    public required string AccountRef { get; init; }

    /// <summary>Number of events applied: the sequence number of the last one.</summary>
    public long Version { get; init; }

    public AccountStatus Status { get; init; }

    /// <summary>Null until the Notice threshold is reached (an account imported before it is past due).</summary>
    public Stage? Stage { get; init; }

    public DateTimeOffset? StageEnteredAt { get; init; }

    /// <summary>The last record the lender sent; an identical re-send changes nothing.</summary>
    public required AccountRecord Record { get; init; }

    /// <summary>What is owed now: the lender's balance less the payments received since.</summary>
    public required Balance Balance { get; init; }

    /// <summary>What is still to be paid to cure.</summary>
    public decimal Arrears { get; init; }

    public decimal Collected { get; init; }

    public decimal Overpaid { get; init; }

    /// <summary>Amount by payment id, for idempotency. Bounded by the payments made on one debt.</summary>
    public ImmutableDictionary<string, decimal> Payments { get; init; } = ImmutableDictionary<string, decimal>.Empty;

    public required StrategyRef Strategy { get; init; }

    public DateTimeOffset OpenedAt { get; init; }

    public ClosedReason? ClosedReason { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    [JsonIgnore]
    public TimeZoneInfo Zone => BusinessCalendar.Zone(Record.Debtor.TimeZone);

    public int DaysPastDue(DateTimeOffset now) => BusinessCalendar.DaysPastDue(Record.DueDate, now, Zone);
}
