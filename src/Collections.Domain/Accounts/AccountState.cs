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

    /// <summary>The segment of the strategy the account is treated by, or null when none matches.</summary>
    public string? Segment { get; init; }

    public DateTimeOffset OpenedAt { get; init; }

    public ClosedReason? ClosedReason { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>When the account first entered Notice: the start of the dispute validation window.</summary>
    public DateTimeOffset? FirstNoticeAt { get; init; }

    /// <summary>The open promise to pay, until it is decided kept or broken.</summary>
    public PromiseToPay? Promise { get; init; }

    public int PromisesKept { get; init; }

    /// <summary>Broken promises over the account's life; at the strategy's maximum no new promise is taken.</summary>
    public int PromisesBroken { get; init; }

    /// <summary>The payment plan in force or pending approval.</summary>
    public PaymentPlan? Plan { get; init; }

    /// <summary>The settlement offer in force or pending approval.</summary>
    public SettlementOffer? Settlement { get; init; }

    /// <summary>What plans and settlements forgave (all components together).</summary>
    public decimal Forgiven { get; init; }

    /// <summary>The open dispute, until it is resolved.</summary>
    public Dispute? Dispute { get; init; }

    /// <summary>Holds on the account, at most one of each type, in the order they were placed.</summary>
    public ImmutableArray<Hold> Holds { get; init; } = [];

    /// <summary>The account's lawsuit, once filed.</summary>
    public LitigationCase? Litigation { get; init; }

    /// <summary>Placements with collection agencies: the current one, the last one, the wait for capacity.</summary>
    public Outsourcing Outsourcing { get; init; } = Outsourcing.None;

    /// <summary>The contact plan's progress, the outbox of contacts being dispatched, and the recent contacts.</summary>
    public Contacts.ContactLog Contacts { get; init; } = Domain.Contacts.ContactLog.None;

    /// <summary>Phone numbers reported wrong (outcome <c>WrongNumber</c>), the latest <see cref="MaxWrongNumbers"/>.</summary>
    public ImmutableArray<string> WrongNumbers { get; init; } = [];

    /// <summary>Contacts that broke a rule, by actor: the violations figure of teams and agencies.</summary>
    public ImmutableDictionary<string, int> Violations { get; init; } = ImmutableDictionary<string, int>.Empty;

    public const int MaxWrongNumbers = 16;

    /// <summary>Documents kept on the account, in the order they were added (a handful per debt).</summary>
    public ImmutableArray<AccountDocument> Documents { get; init; } = [];

    /// <summary>Complaints about the account's collection, in the order they came in, resolved ones included.</summary>
    public ImmutableArray<Complaint> Complaints { get; init; } = [];

    /// <summary>The debtor's own page on this account: links, visits, what the debtor did there.</summary>
    public PortalActivity Portal { get; init; } = PortalActivity.None;

    /// <summary>
    /// The person's ledger as the debtor grain gave it for this decision (accounts with a customerId only);
    /// never stored: the debtor grain owns it.
    /// </summary>
    [JsonIgnore]
    public Debtors.DebtorLedger? Person { get; init; }

    [JsonIgnore]
    public TimeZoneInfo Zone => BusinessCalendar.Zone(Record.Debtor.TimeZone);

    public int DaysPastDue(DateTimeOffset now) => BusinessCalendar.DaysPastDue(Record.DueDate, now, Zone);
}
