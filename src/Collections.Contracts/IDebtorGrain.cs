using System.Collections.Immutable;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Debtors;

namespace Collections.Contracts;

/// <summary>The debtor's verdict on a contact, and the person's ledger after it (for the account's own decision).</summary>
[GenerateSerializer, Immutable, Alias("collections.DebtorReservation")]
public sealed record DebtorReservation(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] string Rule,
    [property: Id(2)] string Detail,
    [property: Id(3)] DateTimeOffset? RetryAt,
    [property: Id(4)] DebtorLedger Ledger)
{
    public ContactDecision Decision => new(Allowed, Rule, Detail, RetryAt);
}

/// <summary>What an account tells its debtor about itself: its zone, the person holds placed on it and the numbers reported wrong on it.</summary>
[GenerateSerializer, Immutable, Alias("collections.DebtorAccountFacts")]
public sealed record DebtorAccountFacts(
    [property: Id(0)] string AccountRef,
    [property: Id(1)] string TimeZone,
    [property: Id(2)] ImmutableArray<HoldType> Holds,
    [property: Id(3)] ImmutableArray<string> WrongNumbers);

/// <summary>One account of a debtor as <c>GET …/debtors/{customerId}</c> lists it.</summary>
[GenerateSerializer, Immutable, Alias("collections.DebtorAccountView")]
public sealed record DebtorAccountView(
    [property: Id(0)] string AccountRef,
    [property: Id(1)] AccountStatus Status,
    [property: Id(2)] Stage? Stage,
    [property: Id(3)] BalanceView Balance);

/// <summary>The debtor: their accounts at the lender, the person's holds, today's contacts per channel and the wrong numbers.</summary>
[GenerateSerializer, Immutable, Alias("collections.DebtorView")]
public sealed record DebtorView(
    [property: Id(0)] string CustomerId,
    [property: Id(1)] ImmutableArray<DebtorAccountView> Accounts,
    [property: Id(2)] ImmutableArray<DebtorHold> Holds,
    [property: Id(3)] ImmutableSortedDictionary<string, int> ContactsToday,
    [property: Id(4)] ImmutableArray<string> WrongNumbers);

/// <summary>
/// One person of a lender (key <c>{lenderId}/{customerId}</c>): owns what belongs to the person across their
/// accounts — the CN daily call caps and window, cease-communication / bankruptcy / deceased, wrong numbers.
/// An account with a customerId asks it before a contact; it judges and records one contact at a time, so
/// two accounts racing on two silos can never both take the person's last call of the day.
/// </summary>
[Alias("collections.IDebtorGrain")]
public interface IDebtorGrain : IGrainWithStringKey
{
    /// <summary>The person's ledger, for an account's decision.</summary>
    [Alias("GetLedger"), Orleans.Concurrency.ReadOnly]
    Task<DebtorLedger> GetLedgerAsync();

    /// <summary>Judges a contact by the per-person rules and records it when allowed, or always when <paramref name="recordRefused"/> (it already happened).</summary>
    [Alias("Reserve")]
    Task<DebtorReservation> ReserveAsync(DebtorContactRequest request, bool recordRefused);

    /// <summary>The outcome a gateway reported for a contact recorded under <paramref name="key"/>.</summary>
    [Alias("ReportOutcome")]
    Task ReportOutcomeAsync(string key, ContactOutcome outcome);

    /// <summary>An account of the person tells what it holds for the person (linking it on first call).</summary>
    [Alias("SyncAccount")]
    Task SyncAccountAsync(DebtorAccountFacts facts);

    /// <summary>An account whose customerId changed (or was removed) leaves this person.</summary>
    [Alias("UnlinkAccount")]
    Task UnlinkAccountAsync(string accountRef);

    /// <summary>
    /// The debtor's view; null when no account has linked the customerId. It asks each account for its view,
    /// so it interleaves: an account waiting on this debtor for a reservation must not wait on the view too.
    /// </summary>
    [Alias("GetView"), Orleans.Concurrency.AlwaysInterleave]
    Task<DebtorView?> GetViewAsync();
}

public static class DebtorKey
{
    public static string For(string lenderId, string customerId) => $"{lenderId}/{customerId}";
}
