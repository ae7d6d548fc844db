using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;

namespace Collections.Contracts;

/// <summary>
/// A placed account as its agency sees it: what it needs to collect and nothing more — no score, no
/// lender notes, no history, no other agency's work.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.AgencyAccountView")]
public sealed record AgencyAccountView
{
    [Id(0)] public required string LenderId { get; init; }
    [Id(1)] public required string AccountRef { get; init; }
    [Id(2)] public required string AgencyId { get; init; }
    [Id(3)] public DateTimeOffset PlacedAt { get; init; }
    [Id(4)] public DateTimeOffset ExpiresAt { get; init; }
    [Id(5)] public Stage? Stage { get; init; }
    [Id(6)] public int DaysPastDue { get; init; }
    [Id(7)] public required string Currency { get; init; }
    [Id(8)] public required BalanceView Balance { get; init; }
    /// <summary>What must still be paid to cure.</summary>
    [Id(9)] public decimal Arrears { get; init; }
    [Id(10)] public DateOnly DueDate { get; init; }
    [Id(11)] public Product Product { get; init; }
    [Id(12)] public required string BorrowerName { get; init; }
    [Id(13)] public string? Phone { get; init; }
    [Id(14)] public string? Email { get; init; }
    [Id(15)] public required string Timezone { get; init; }
    [Id(16)] public string? Region { get; init; }
    /// <summary>The debtor's open promise to pay, if any.</summary>
    [Id(17)] public PromiseView? Promise { get; init; }
    /// <summary>Why contact is not allowed at all now (<c>ceaseCommunication</c> or <c>hold</c>); null when the policy decides per contact.</summary>
    [Id(18)] public string? ContactStoppedBy { get; init; }
    /// <summary>What the agency achieved in this placement so far.</summary>
    [Id(19)] public required PlacementStats Stats { get; init; }
    [Id(20)] public decimal CommissionRate { get; init; }
}

/// <summary>A contact the agency made, with a promise to pay taken on it; <see cref="ActivityId"/> makes it idempotent.</summary>
[GenerateSerializer, Immutable, Alias("collections.AgencyContact")]
public sealed record AgencyContact(
    [property: Id(0)] ContactChannel Channel,
    [property: Id(1)] ContactOutcome Outcome,
    [property: Id(2)] DateTimeOffset? At,
    [property: Id(3)] decimal? PromiseAmount,
    [property: Id(4)] DateOnly? PromiseDueDate,
    [property: Id(5)] string? ActivityId = null);

/// <summary>
/// The outcome of an agency's command: its view of the account (null once the command ended the
/// placement, with <see cref="Ended"/> saying why), or why it was refused — with the contact rule that
/// refused it and when the contact would next be allowed. For a payment or an activity with an id,
/// <see cref="Recorded"/> is false when the id was already recorded, and <see cref="Commission"/> is what it earned the agency.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.AgencyCommandResult")]
public sealed record AgencyCommandResult(
    [property: Id(0)] AgencyAccountView? View,
    [property: Id(1)] RejectionKind? RejectionKind = null,
    [property: Id(2)] string? Error = null,
    [property: Id(3)] string? Rule = null,
    [property: Id(4)] DateTimeOffset? NextAllowedAt = null,
    [property: Id(5)] PlacementEndReason? Ended = null,
    [property: Id(6)] bool Recorded = false,
    [property: Id(7)] decimal Commission = 0);

/// <summary>
/// The agency-facing side of an account (the same grain as <see cref="IAccountGrain"/>): everything here
/// answers only to the agency the account is placed with now; for anyone else it is as if the account
/// did not exist.
/// </summary>
[Alias("collections.IAccountPlacementGrain")]
public interface IAccountPlacementGrain : IGrainWithStringKey
{
    /// <summary>The agency's view, or null unless the account is placed with <paramref name="agencyId"/> now.</summary>
    [Alias("GetAgencyView"), Orleans.Concurrency.ReadOnly]
    Task<AgencyAccountView?> GetAgencyViewAsync(string agencyId);

    /// <summary>Records a contact the agency made, if the contact policy allows it.</summary>
    [Alias("RecordAgencyContact")]
    Task<AgencyCommandResult> RecordAgencyContactAsync(string agencyId, AgencyContact contact, string actor);

    /// <summary>Records a payment the agency collected (idempotent by <paramref name="paymentId"/>) and credits it to the agency.</summary>
    [Alias("PayThroughAgency")]
    Task<AgencyCommandResult> PayThroughAgencyAsync(string agencyId, string paymentId, decimal amount, DateTimeOffset? paidAt, string actor);

    /// <summary>The agency hands the account back.</summary>
    [Alias("ReturnPlacement")]
    Task<AgencyCommandResult> ReturnPlacementAsync(string agencyId, string reason, string actor);

    /// <summary>
    /// An agency asks the account to settle a placement it holds that is unconfirmed or past its term:
    /// the account confirms it if it is placed there, recalls it if due, or releases it otherwise.
    /// One-way: the agency never waits on an account.
    /// </summary>
    [Alias("ReconcilePlacement"), Orleans.Concurrency.OneWay]
    Task ReconcilePlacementAsync(string agencyId, long placementId);
}
