using Collections.Contracts;
using Collections.Domain.Contacts;
using Collections.Domain.Debtors;
using Collections.Grains.Time;

namespace Collections.Grains.Debtors;

/// <summary>
/// One person of a lender (<see cref="IDebtorGrain"/>). Decisions are <see cref="DebtorRules"/> (pure); the
/// grain is the single place a person's contacts are judged and recorded, one call at a time (non-reentrant),
/// and persists the small, bounded ledger before it answers: a reservation it granted survives a silo loss.
/// </summary>
public sealed class DebtorGrain(
    [PersistentState("debtor", GrainStorage.Name)] IPersistentState<DebtorLedger> state,
    BusinessClock clock) : Grain, IDebtorGrain
{
    public Task<DebtorLedger> GetLedgerAsync() => Task.FromResult(state.State);

    public async Task<DebtorReservation> ReserveAsync(DebtorContactRequest request, bool recordRefused)
    {
        var (ledger, decision) = DebtorRules.Reserve(state.State, request, recordRefused, clock.Now);
        await SaveAsync(ledger);
        return new DebtorReservation(decision.Allowed, decision.Rule, decision.Detail, decision.RetryAt, ledger);
    }

    public async Task ReportOutcomeAsync(string key, ContactOutcome outcome) =>
        await SaveAsync(DebtorRules.Report(state.State, key, outcome));

    public async Task SyncAccountAsync(DebtorAccountFacts facts)
    {
        var ledger = DebtorRules.Link(state.State, facts.AccountRef, facts.TimeZone);
        ledger = DebtorRules.HoldsOf(ledger, facts.AccountRef, facts.Holds);
        await SaveAsync(DebtorRules.MarkWrong(ledger, facts.WrongNumbers));
    }

    public async Task UnlinkAccountAsync(string accountRef) =>
        await SaveAsync(DebtorRules.Unlink(state.State, accountRef));

    public async Task<DebtorView?> GetViewAsync()
    {
        var ledger = state.State;
        if (ledger.Accounts.IsEmpty)
        {
            return null;
        }

        var (lenderId, customerId) = AccountKey.Parse(this.GetPrimaryKeyString());
        var views = await Task.WhenAll(ledger.Accounts.Select(a => GrainFactory.GetGrain<IAccountGrain>(AccountKey.For(lenderId, a)).GetViewAsync()));
        return new DebtorView(
            customerId,
            [.. views.OfType<AccountView>().Where(v => v.CustomerId == customerId).Select(v => new DebtorAccountView(v.AccountRef, v.Status, v.Stage, v.Balance))],
            ledger.Holds,
            DebtorRules.ContactsToday(ledger, clock.Now),
            ledger.WrongNumbers);
    }

    private async Task SaveAsync(DebtorLedger ledger)
    {
        if (ledger == state.State)
        {
            return;
        }

        state.State = ledger;
        await state.WriteStateAsync();
    }
}
