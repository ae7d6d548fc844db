using System.Collections.Immutable;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Grains.Agencies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Accounts;

/// <summary>
/// The account's side of outsourcing. The account is the coordinator of its own placement — it alone
/// decides, in its own turn, to be placed, to stay placed and to be recalled — and the agency grain is
/// the authority on the agency's capacity:
/// <list type="number">
/// <item>due for placement, the account asks allocation (a local stateless worker) for a slot; the agency
/// reserves it atomically, or answers full;</item>
/// <item>the account records <c>AccountPlaced</c> (its sequence number is the placement's id), then confirms
/// the slot, which puts it on the agency's work list;</item>
/// <item>every later change that matters to the agency (row, figures) is sent as a whole, ordered by the
/// account's version; a recall or return is recorded with the change that caused it and then released.</item>
/// </list>
/// A message to the agency that is lost (a silo dies in between) is repaired, not replayed: the agency
/// asks the account about reservations never confirmed and placements held past their term, and the
/// account re-sends its last release before it is placed anew — so it never shows on two work lists.
/// </summary>
public sealed partial class AccountGrain : IAccountPlacementGrain
{
    private AgencyOptions Agencies => ServiceProvider.GetRequiredService<IOptions<AgencyOptions>>().Value;

    public Task<AgencyAccountView?> GetAgencyViewAsync(string agencyId) =>
        Task.FromResult(state is not null && AccountLifecycle.IsPlacedWith(state, agencyId, clock.Now) ? AgencyView(state) : null);

    public async Task<AgencyCommandResult> RecordAgencyContactAsync(string agencyId, AgencyContact contact, string actor)
    {
        ContactDecision? verdict = null;
        (decimal, DateOnly)? promise = contact.PromiseAmount is { } amount && contact.PromiseDueDate is { } due ? (amount, due) : null;
        DateTimeOffset at = default;
        Decision Record(AccountState account, Domain.Strategies.Strategy rules, DateTimeOffset now, ContactDecision? person)
        {
            at = contact.At ?? now;
            return contact.ActivityId is { } activityId
                ? AccountLifecycle.RecordAgencyActivity(account, agencyId, activityId, contact.Channel, contact.Outcome, at, promise, now, rules, out verdict, person)
                : AccountLifecycle.RecordAgencyContact(account, agencyId, contact.Channel, contact.Outcome, at, promise, now, rules, out verdict, person);
        }

        var person = await ReservePersonContactAsync(contact.Channel, contact.Outcome, contact.At, (account, rules, now) => Record(account, rules, now, null));
        var result = await ExecuteAsync((account, rules, now) => Record(account, rules, now, person), actor);

        var answer = AgencyResult(result, agencyId) with { Recorded = result.Recorded > 0 };
        if (verdict is not { Allowed: false } broken || state is null || answer.RejectionKind is not null)
        {
            return answer;
        }

        // A complaint's stop lasts until the complaint is resolved: no time can be named.
        var next = broken.Rule == ComplaintRules.ContactRule ? null : AccountLifecycle.ContactPermission(state, contact.Channel, clock.Now, await AssignedRulesAsync(state)).NextAllowedAt;
        LogViolation(logger, Key, broken.Rule);
        return answer with
        {
            Error = $"the contact broke a rule ({broken.Rule}): {broken.Detail}; it is recorded as a violation",
            Rule = broken.Rule,
            NextAllowedAt = next,
        };
    }

    public async Task<AgencyCommandResult> PayThroughAgencyAsync(string agencyId, string paymentId, decimal amount, DateTimeOffset? paidAt, string actor)
    {
        var known = state?.Payments.ContainsKey(paymentId ?? "") ?? false;
        var commissionBefore = state is null ? 0 : AccountLifecycle.PlacementStatsOf(state).Commission;
        var result = await ExecuteAsync(
            (account, _, now) => AccountLifecycle.PayThroughAgency(account, agencyId, paymentId!, amount, paidAt ?? now, now),
            actor);
        var answer = AgencyResult(result, agencyId);
        if (answer.RejectionKind is not null || state is null || known)
        {
            return answer;
        }

        // The credited placement is the current one, or the one this payment just ended.
        var placement = state.Outsourcing.Current ?? state.Outsourcing.Last;
        var commission = placement?.AgencyId == agencyId && placement.Credited.ContainsKey(paymentId!) ? placement.Stats.Commission - commissionBefore : 0;
        return answer with { Recorded = true, Commission = commission };
    }

    public async Task<AgencyCommandResult> ReturnPlacementAsync(string agencyId, string reason, string actor) =>
        AgencyResult(
            await ExecuteAsync((account, _, now) => AccountLifecycle.ReturnPlacement(account, agencyId, reason, now), actor),
            agencyId);

    public async Task ReconcilePlacementAsync(string agencyId, long placementId)
    {
        var agency = GrainFactory.GetGrain<IAgencyGrain>(agencyId);
        if (state?.Outsourcing.Current is { } current && current.AgencyId == agencyId && current.Id == placementId)
        {
            var ends = AccountLifecycle.PlacementEnds(state, clock.Now);
            if (ends.IsEmpty)
            {
                await agency.ConfirmAsync(Sync(state, current));
            }
            else
            {
                // Past its term and not yet recalled (a wake still to come): recall it now.
                await CommitAsync([.. ends.Select(e => (e, System))], await AssignedRulesAsync(state), await LatestAsync(state));
            }

            return;
        }

        var last = state?.Outsourcing.Last;
        var ended = last is not null && last.AgencyId == agencyId && last.Id == placementId;
        await agency.ReleaseAsync(Key, placementId, ended ? last!.EndReason?.ToString() ?? "Ended" : "Unrecorded", ended ? Sync(state!, last!) : null);
        LogReconciled(logger, Key, placementId, ended);
    }

    /// <summary>
    /// Called by every append, after it is written: tells the agencies what changed for them (a placement
    /// recorded, changed or ended). A recall was recorded in the append itself (<see cref="AccountLifecycle.Complete"/>).
    /// </summary>
    private async Task TellAgenciesAsync(AccountState? before)
    {
        if (state is null)
        {
            return;
        }

        var was = before?.Outsourcing.Current;
        var current = state.Outsourcing.Current;
        if (was is not null && current?.Id != was.Id)
        {
            var last = state.Outsourcing.Last!;
            lastReleaseAcknowledged = await TellAgencyAsync(was.AgencyId, a => a.ReleaseAsync(Key, was.Id, last.EndReason?.ToString() ?? "Ended", Sync(state, last)));
            LogEnded(logger, Key, was.Id, last.EndReason ?? PlacementEndReason.Expired);
        }

        if (current is not null)
        {
            if (was?.Id != current.Id)
            {
                await TellAgencyAsync(current.AgencyId, a => a.ConfirmAsync(Sync(state, current)));
            }
            else if (before is not null && (WorkItem(before, was) != WorkItem(state, current) || was.Stats != current.Stats))
            {
                await TellAgencyAsync(current.AgencyId, a => a.UpdateAsync(Sync(state, current)));
            }
        }
    }

    /// <summary>
    /// Places the account if it is due: reserve a slot through allocation, record the placement, confirm
    /// it. No room: record the wait once; the wake retries. A failure leaves nothing half done: a slot
    /// reserved but not recorded is released (or, if even that fails, reconciled by the agency later).
    /// </summary>
    private async Task PlaceIfDueAsync()
    {
        if (state is null)
        {
            return;
        }

        var rules = await AssignedRulesAsync(state);
        if (!AccountLifecycle.PlacementDue(state, rules))
        {
            return;
        }

        string? reservedWith = null;
        var placementId = state.Version + 1;
        try
        {
            // The agency it last left must have let it go before another agency can see it.
            if (state.Outsourcing.Last is { } last && !lastReleaseAcknowledged)
            {
                lastReleaseAcknowledged = await TellAgencyAsync(last.AgencyId, a => a.ReleaseAsync(Key, last.Id, last.EndReason?.ToString() ?? "Ended", Sync(state, last)));
                if (!lastReleaseAcknowledged)
                {
                    placementFailedAt = clock.Now;
                    return;
                }
            }

            var (lenderId, _) = AccountKey.Parse(Key);
            var reservation = new PlacementReservation(Key, placementId, lenderId, state.Record.Debtor.Region);
            var allocated = await GrainFactory.GetGrain<IPlacementAllocatorGrain>(0).AllocateAsync(new AllocationRequest(reservation, AccountLifecycle.ExcludedAgency(state)));
            placementFailedAt = null;
            switch (allocated.Outcome)
            {
                case AllocationOutcome.Reserved:
                    reservedWith = allocated.AgencyId!;
                    var decision = AccountLifecycle.Place(state, reservedWith, allocated.CommissionRate, clock.Now, rules);
                    if (decision.Rejection is null)
                    {
                        await AppendResultAsync(decision.Events, System);
                        LogPlaced(logger, Key, placementId, reservedWith);
                    }

                    break;
                case AllocationOutcome.NoRoom:
                    var reason = $"no agency serving lender {lenderId}{(state.Record.Debtor.Region is { } region ? $" in region {region}" : "")} has room ({allocated.Candidates} serve it)";
                    await AppendResultAsync(AccountLifecycle.AwaitPlacement(state, reason).Events, System);
                    break;
                case AllocationOutcome.NoAgency:
                default:
                    break;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            placementFailedAt = clock.Now;
            LogPlacementFailed(logger, Key, ex.GetType().Name);
        }

        // A slot reserved but not recorded (the append failed or was refused) is given back at once.
        if (reservedWith is not null && state?.Outsourcing.Current?.Id != placementId)
        {
            await TellAgencyAsync(reservedWith, a => a.ReleaseAsync(Key, placementId, "Unrecorded", null));
        }
    }

    /// <summary>Outsourcing's next wake (see <see cref="AccountLifecycle.PlacementWake"/>).</summary>
    private async Task<Wake?> PlacementWakeAsync(AccountState account)
    {
        var options = Agencies;
        var waiting = account.Outsourcing.WaitingSince is null && placementFailedAt is { } failed
            ? account with { Outsourcing = account.Outsourcing with { WaitingSince = failed } }
            : account;
        return AccountLifecycle.PlacementWake(
            waiting, await AssignedRulesAsync(account), clock.Now, options.WaitingRetry * clock.Speed, options.WaitingRetryMax * clock.Speed);
    }

    /// <summary>The placement part of the account's view: its current placement and the wake it implies.</summary>
    private static PlacementView? PlacementViewOf(AccountState account) =>
        account.Outsourcing.Current is { } placement ? new PlacementView(placement.AgencyId, placement.PlacedAt, placement.ExpiresAt) : null;

    /// <summary>The wake the account view shows for outsourcing: the placement's end, or the next retry while waiting for room.</summary>
    private Wake? VisiblePlacementWake(AccountState account, Domain.Strategies.Strategy rules) =>
        account.Outsourcing.Current is not null || account.Outsourcing.WaitingSince is not null
            ? AccountLifecycle.PlacementWake(account, rules, clock.Now, Agencies.WaitingRetry * clock.Speed, Agencies.WaitingRetryMax * clock.Speed)
            : null;

    private AgencyCommandResult AgencyResult(CommandResult result, string agencyId)
    {
        if (result.RejectionKind is { } kind)
        {
            return new AgencyCommandResult(null, kind, result.Error);
        }

        if (state is null || result.View is null)
        {
            return new AgencyCommandResult(null, RejectionKind.NotFound, $"the account is not placed with agency '{agencyId}'");
        }

        if (AccountLifecycle.IsPlacedWith(state, agencyId, clock.Now))
        {
            return new AgencyCommandResult(AgencyView(state));
        }

        var last = state.Outsourcing.Last;
        return new AgencyCommandResult(null, Ended: last?.AgencyId == agencyId ? last.EndReason : null);
    }

    private AgencyAccountView AgencyView(AccountState account)
    {
        var placement = account.Outsourcing.Current!;
        var debtor = account.Record.Debtor;
        var contactStop = account.Holds.Any(h => h.Type == HoldType.CeaseCommunication) ? "ceaseCommunication"
            : account.Holds.Any(h => (HoldRules.Stops(h.Type) & CollectionActivities.Contact) != 0) ? "hold"
            : account.Dispute is not null ? "dispute"
            : AccountLifecycle.ComplaintStop(account, placement.AgencyId) is not null ? ComplaintRules.ContactRule
            : null;
        return new AgencyAccountView
        {
            LenderId = account.LenderId,
            AccountRef = account.AccountRef,
            AgencyId = placement.AgencyId,
            PlacedAt = placement.PlacedAt,
            ExpiresAt = placement.ExpiresAt,
            Stage = account.Stage,
            DaysPastDue = Math.Max(0, account.DaysPastDue(clock.Now)),
            Currency = account.Record.Currency,
            Balance = BalanceView.From(account.Balance),
            Arrears = account.Arrears,
            DueDate = account.Record.DueDate,
            Product = account.Record.Product,
            BorrowerName = debtor.BorrowerName,
            Phone = debtor.Phone,
            Email = debtor.Email,
            Timezone = debtor.TimeZone,
            Region = debtor.Region,
            Promise = AccountViews.Promise(account),
            ContactStoppedBy = contactStop,
            Stats = placement.Stats,
            CommissionRate = placement.CommissionRate,
        };
    }

    /// <summary>The placement as its agency keeps it, as of this version of the account.</summary>
    private PlacementSync Sync(AccountState account, Placement placement) =>
        new(Key, placement.Id, account.Version, placement.Balance, WorkItem(account, placement), placement.Stats, clock.Now);

    /// <summary>The work list row; days past due are computed when the list is read.</summary>
    private static PlacementWorkItem WorkItem(AccountState account, Placement placement) => new(
        account.LenderId,
        account.AccountRef,
        placement.PlacedAt,
        placement.ExpiresAt,
        account.Stage,
        0,
        account.Record.Currency,
        BalanceView.From(account.Balance),
        account.Record.Debtor.BorrowerName,
        account.Record.Debtor.Phone,
        account.Record.DueDate,
        account.Record.Debtor.TimeZone);

    /// <summary>Sends one message to an agency; a failure is logged and left to reconciliation.</summary>
    private async Task<bool> TellAgencyAsync(string agencyId, Func<IAgencyGrain, Task> message)
    {
        try
        {
            await message(GrainFactory.GetGrain<IAgencyGrain>(agencyId));
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAgencyUnreachable(logger, Key, agencyId, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Account {AccountKey} placed (placement {PlacementId}) with agency {AgencyId}")]
    private static partial void LogPlaced(ILogger logger, string accountKey, long placementId, string agencyId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Account {AccountKey} placement {PlacementId} ended: {Reason}")]
    private static partial void LogEnded(ILogger logger, string accountKey, long placementId, PlacementEndReason reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Account {AccountKey} could not allocate an agency ({ExceptionType}); its wake retries")]
    private static partial void LogPlacementFailed(ILogger logger, string accountKey, string exceptionType);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Account {AccountKey} could not reach agency {AgencyId} ({ExceptionType}); reconciliation will repair it")]
    private static partial void LogAgencyUnreachable(ILogger logger, string accountKey, string agencyId, string exceptionType);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information, Message = "Account {AccountKey} settled placement {PlacementId} its agency asked about (ended on record: {Ended})")]
    private static partial void LogReconciled(ILogger logger, string accountKey, long placementId, bool ended);
}
