using System.Collections.Immutable;
using Collections.Domain;
using Collections.Domain.Accounts;

namespace Collections.Contracts;

/// <summary>
/// The outcome of a command on an account: its view and how many events the command itself recorded
/// (0 for a repeat of an idempotent command), or why the command was refused.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.CommandResult")]
public sealed record CommandResult(
    [property: Id(0)] AccountView? View,
    [property: Id(1)] RejectionKind? RejectionKind = null,
    [property: Id(2)] string? Error = null,
    [property: Id(3)] int Recorded = 0)
{
    public static CommandResult Rejected(Rejection rejection) => new(null, rejection.Kind, rejection.Message);
}

/// <summary>A page of the audit trail: each item the stored JSON of one event, in sequence order.</summary>
[GenerateSerializer, Immutable, Alias("collections.EventPage")]
public sealed record EventPage(
    [property: Id(0)] ImmutableArray<string> Items,
    [property: Id(1)] long? Next);

/// <summary>
/// One delinquent account, keyed <c>{lenderId}/{accountRef}</c> (see <see cref="AccountKey"/>). It owns
/// the account's lifecycle: every change is an event in its audit trail, and one wake reminder drives
/// escalation. Non-reentrant: commands run one at a time; only reads interleave.
/// </summary>
[Alias("collections.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>Opens the account from a lender record, or updates it without resetting its lifecycle.</summary>
    [Alias("Upsert")]
    Task<UpsertOutcome> UpsertAsync(AccountRecord record, string actor);

    /// <summary>The current view, or null when the account does not exist.</summary>
    [Alias("GetView"), Orleans.Concurrency.ReadOnly]
    Task<AccountView?> GetViewAsync();

    /// <summary>Records a payment, idempotently by <paramref name="paymentId"/>.</summary>
    [Alias("Pay")]
    Task<CommandResult> PayAsync(string paymentId, decimal amount, DateTimeOffset? paidAt, string actor);

    /// <summary>The lender closes the account (Recalled, WrittenOff, Sold).</summary>
    [Alias("Close")]
    Task<CommandResult> CloseAsync(ClosedReason reason, string actor);

    /// <summary>The debtor promises <paramref name="amount"/> by <paramref name="dueDate"/>; kept or broken is decided when its grace ends.</summary>
    [Alias("MakePromise")]
    Task<CommandResult> MakePromiseAsync(decimal amount, DateOnly dueDate, string actor);

    /// <summary>Submits a payment plan: in force at once, or pending approval when its waiver is above the approval limit.</summary>
    [Alias("SubmitPlan")]
    Task<CommandResult> SubmitPlanAsync(PlanTerms terms, string actor);

    /// <summary>Activates the plan pending approval.</summary>
    [Alias("ApprovePlan")]
    Task<CommandResult> ApprovePlanAsync(string actor);

    /// <summary>Offers to settle for <paramref name="amount"/> (below the balance) paid by the end of <paramref name="expiresOn"/>.</summary>
    [Alias("OfferSettlement")]
    Task<CommandResult> OfferSettlementAsync(decimal amount, DateOnly expiresOn, string actor);

    /// <summary>Activates the settlement offer pending approval.</summary>
    [Alias("ApproveSettlement")]
    Task<CommandResult> ApproveSettlementAsync(string actor);

    /// <summary>Drops the plan pending approval, with the lender's reason (maker–checker as for approving).</summary>
    [Alias("DeclinePlan")]
    Task<CommandResult> DeclinePlanAsync(string reason, string actor);

    /// <summary>Drops the settlement offer pending approval, with the lender's reason (maker–checker as for approving).</summary>
    [Alias("DeclineSettlement")]
    Task<CommandResult> DeclineSettlementAsync(string reason, string actor);

    /// <summary>Opens a dispute: every collection activity stops until it is resolved.</summary>
    [Alias("OpenDispute")]
    Task<CommandResult> OpenDisputeAsync(string reason, string actor);

    /// <summary>Resolves the open dispute: Verified resumes collection, Upheld closes as WrittenOff.</summary>
    [Alias("ResolveDispute")]
    Task<CommandResult> ResolveDisputeAsync(DisputeOutcome outcome, string actor);

    /// <summary>Puts a hold on the account.</summary>
    [Alias("PlaceHold")]
    Task<CommandResult> PlaceHoldAsync(HoldType type, string? note, string actor);

    /// <summary>Lifts a hold; escalation resumes at the stage the DPD calls for unless something else stops it.</summary>
    [Alias("ReleaseHold")]
    Task<CommandResult> ReleaseHoldAsync(HoldType type, string actor);

    /// <summary>Records a litigation step (filed, hearing, judgment, enforcement) in the Legal stage.</summary>
    [Alias("RecordLitigationStep")]
    Task<CommandResult> RecordLitigationStepAsync(LitigationStep step, DateOnly? on, string? caseReference, string? note, string actor);

    /// <summary>Events with a sequence number above <paramref name="after"/>; null when the account does not exist.</summary>
    [Alias("GetEvents"), Orleans.Concurrency.ReadOnly]
    Task<EventPage?> GetEventsAsync(long after, int limit);
}

/// <summary>The grain key of an account: one lender's reference, scoped by lender.</summary>
public static class AccountKey
{
    public static string For(string lenderId, string accountRef) => $"{lenderId}/{accountRef}";

    public static (string LenderId, string AccountRef) Parse(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }
}
