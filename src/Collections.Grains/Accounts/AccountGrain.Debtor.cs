using System.Collections.Immutable;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Debtors;
using Collections.Domain.Events;

namespace Collections.Grains.Accounts;

/// <summary>
/// The account's debtor: an account with a <c>customerId</c> decides its contacts with the person's ledger
/// (their other accounts' contacts, their holds and wrong numbers) and has the debtor grain judge and record
/// each call and SMS before it is appended (reserve, then record), so that two accounts of one person can
/// never both take the last call of the day. An account without a customerId is its own debtor and makes
/// no call here at all.
/// </summary>
public sealed partial class AccountGrain
{
    private const int MaxReservationRounds = 3;

    private IDebtorGrain? DebtorOf(AccountState? account) =>
        account?.Record.CustomerId is { } customerId ? GrainFactory.GetGrain<IDebtorGrain>(DebtorKey.For(account.LenderId, customerId)) : null;

    /// <summary>The person's ledger for a decision on <paramref name="account"/>, or null for an account without a customerId.</summary>
    private async Task<DebtorLedger?> PersonOfAsync(AccountState? account) =>
        DebtorOf(account) is { } debtor ? await debtor.GetLedgerAsync() : null;

    private static DebtorContactRequest PersonRequest(AccountState account, Domain.Strategies.Strategy rules, string key, ContactChannel channel, DateTimeOffset at, ContactOutcome? outcome) =>
        new(
            new DebtorContact(key, account.AccountRef, channel, at, outcome, AccountLifecycle.Attempt(account, channel, at, outcome).Number),
            rules.Compliance.Profile,
            account.Record.Debtor.TimeZone,
            rules.Compliance.UnansweredDialsPerDay);

    /// <summary>
    /// Has the debtor reserve every call and SMS the append dispatches; the first it refuses (another account
    /// of the person took the call) answers the ledger to decide again with, null when all were granted.
    /// Granting is idempotent per contact, so deciding again does not count a granted one twice.
    /// </summary>
    private async Task<DebtorLedger?> ReserveDispatchesAsync(IDebtorGrain debtor, Append append, Domain.Strategies.Strategy rules)
    {
        foreach (var e in append.Events)
        {
            if (e.Data is ContactDispatchRequested { Channel: ContactChannel.Call or ContactChannel.Sms } requested)
            {
                var reservation = await debtor.ReserveAsync(PersonRequest(append.State!, rules, $"{append.State!.AccountRef}/{requested.ContactId}", requested.Channel, e.At, null), recordRefused: false);
                if (!reservation.Allowed)
                {
                    return reservation.Ledger;
                }
            }
        }

        return null;
    }

    /// <summary>Completes an append from <paramref name="from"/> with the person's ledger, reserving its calls and SMS with the debtor first.</summary>
    private async Task<Append> CompleteWithPersonAsync(
        AccountState? from, ImmutableArray<(AccountEventData Data, string Actor)> decided, Domain.Strategies.Strategy assigned, StrategyInForce latest)
    {
        var now = clock.Now;
        var person = await PersonOfAsync(from);
        var append = AccountLifecycle.Complete(from, decided, now, assigned, latest, person);
        if (DebtorOf(append.State) is not { } debtor)
        {
            return append;
        }

        for (var round = 0; round < MaxReservationRounds && await ReserveDispatchesAsync(debtor, append, assigned) is { } refreshed; round++)
        {
            append = AccountLifecycle.Complete(from, decided, now, assigned, latest, refreshed);
        }

        return append;
    }

    /// <summary>
    /// Tells the debtor what changed for the person on this account: the link, the zone, person holds, wrong
    /// numbers; an account whose customerId changed first leaves the person it belonged to.
    /// </summary>
    private async Task SyncDebtorAsync(AccountState? before, AccountState after)
    {
        if (before?.Record.CustomerId is { } previous && previous != after.Record.CustomerId)
        {
            await DebtorOf(before)!.UnlinkAccountAsync(after.AccountRef);
        }

        if (DebtorOf(after) is not { } debtor)
        {
            return;
        }

        var facts = FactsOf(after);
        if (before is not null && before.Record.CustomerId == after.Record.CustomerId && Same(FactsOf(before), facts))
        {
            return;
        }

        await debtor.SyncAccountAsync(facts);
    }

    private static DebtorAccountFacts FactsOf(AccountState account) =>
        new(account.AccountRef, account.Record.Debtor.TimeZone, [.. account.Holds.Select(h => h.Type).Where(DebtorRules.PersonHolds.Contains)], account.WrongNumbers);

    private static bool Same(DebtorAccountFacts a, DebtorAccountFacts b) =>
        a.TimeZone == b.TimeZone && a.Holds.SequenceEqual(b.Holds) && a.WrongNumbers.SequenceEqual(b.WrongNumbers);
}
