using System.Collections.Immutable;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Events;
using Collections.Grains.Index;
using Collections.Grains.Feed;
using Collections.Grains.Lenders;
using Collections.Domain.Portfolio;
using Collections.Domain.Queues;
using Collections.Grains.Portfolio;
using Collections.Grains.Storage;
using Collections.Grains.Telemetry;
using Collections.Grains.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Accounts;

/// <summary>
/// One delinquent account. Decisions come from <see cref="AccountLifecycle"/> (pure); this grain runs
/// every command and every wake through one write path (<see cref="CommitAsync"/>): decide, append the
/// events with the new snapshot atomically, apply them, then the side effects — the wake reminder moved to
/// the next business event, the portfolio reported, its work queue entry put right, the agencies told, the account placed if it is due and
/// its contact outbox sent. Every tick recomputes what is due from the stored state, so a lost or failed
/// tick is harmless: the reminder's period retries it. The partial files add capabilities (contacts,
/// outsourcing, portfolio) and hold no state: every field is declared here.
/// </summary>
/// <remarks>
/// The host collects idle accounts after <c>Collections:Accounts:CollectionAge</c> (a few minutes), not
/// Orleans' default quarter of an hour.
/// </remarks>
public sealed partial class AccountGrain(
    IAccountEventStore store,
    StrategyProvider strategies,
    BusinessClock clock,
    IPortfolioStore portfolio,
    IAccountIndex index,
    IEventFeedStore feed,
    StorageGate gate,
    CollectionsMetrics metrics,
    IOptions<WakeOptions> wakeOptions,
    ILogger<AccountGrain> logger) : Grain, IAccountGrain, IRemindable
{
    private const string WakeReminder = "wake";

    /// <summary>The actor of what the engine decides by itself (follow-up, escalation, placement, contacts).</summary>
    private const string System = AccountLifecycle.SystemActor;

    private static readonly Append Nothing = new([], null);

    private AccountState? state;

    /// <summary>The business instant the wake reminder is registered for in this activation; unknown after activation.</summary>
    private (bool Known, DateTimeOffset? At) registeredWake;

    /// <summary>The portfolio contribution the store holds for this account, when this activation knows it.</summary>
    private (bool Known, PortfolioContribution? Value) reported;

    /// <summary>
    /// The state as this activation loaded it. While <see cref="reported"/> is unknown, its contribution is
    /// what the store most likely holds (every commit reports; nothing for an account new to storage). Only
    /// a guess — the compare-and-set answers with the stored value when it is wrong — but a right one saves
    /// reading it first; activations that only serve reads never compute it. Dropped once a report lands.
    /// </summary>
    private AccountState? loaded;

    /// <summary>The summary this activation last filed in the account index; null until it files one.</summary>
    private AccountSummary? indexed;
    /// <summary>The sequence number the lender's feed holds this account's events through, when this activation knows it.</summary>
    private long? feedPublished;

    /// <summary>Failed sends per outbox contact in this activation.</summary>
    private Dictionary<long, int>? dispatchRounds;

    /// <summary>The link to the debtor's page issued in this activation for an outbox contact, sent again with each round (only this activation knows the token).</summary>
    private Dictionary<long, Uri>? portalUrls;

    /// <summary>The one-shot timer that sends the rest of the outbox in a turn of its own, while one is pending.</summary>
    private IGrainTimer? resumeOutbox;

    /// <summary>The last placement's release reached its agency in this activation.</summary>
    private bool lastReleaseAcknowledged;

    /// <summary>Allocation failed (not "no room": an error) in this activation: retry soon rather than tomorrow.</summary>
    private DateTimeOffset? placementFailedAt;

    /// <summary>The work queue entry the store holds for this account, when this activation knows it (none for an account new to storage).</summary>
    private (bool Known, WorkQueueEntry? Value) queued;

    private string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var snapshot = await gate.RunAsync(() => store.LoadAsync(Key));
        state = snapshot is null ? null : AccountSnapshotJson.Deserialize(snapshot.StateJson.Span);
        if (state is not null && state.Version != snapshot!.Version)
        {
            throw new InvalidOperationException($"Account {Key}: snapshot version {state.Version} does not match the log ({snapshot.Version}).");
        }

        loaded = state;
        queued = state is null ? (true, null) : default;

        // An account new to storage has nothing unpublished; any other checks its feed's watermark once.
        feedPublished = state is null ? 0 : null;
        ResumeOutboxSoon();
    }

    public async Task<UpsertOutcome> UpsertAsync(AccountRecord record, string actor)
    {
        var (lenderId, accountRef) = AccountKey.Parse(Key);
        if (record.AccountRef != accountRef)
        {
            throw new ArgumentException($"Record {record.AccountRef} sent to account {accountRef}.", nameof(record));
        }

        var latest = await strategies.LatestAsync(lenderId, accountRef, state?.Strategy.Variant);
        var assigned = state is null ? latest.Rules : await AssignedRulesAsync(state);
        var (outcome, decision) = AccountLifecycle.Upsert(state, lenderId, record, clock.Now, latest, assigned);
        await CommitAsync([.. decision.Events.Select(e => (e, actor))], assigned, latest);
        return outcome;
    }

    public async Task<AccountView?> GetViewAsync() =>
        state is null ? null : await ViewAsync(state);

    public Task<CommandResult> PayAsync(string paymentId, decimal amount, DateTimeOffset? paidAt, string actor) =>
        ExecuteAsActorAsync(actor, (account, _, now) => AccountLifecycle.Pay(account, paymentId, amount, paidAt ?? now, now));

    public Task<CommandResult> CloseAsync(ClosedReason reason, string actor) =>
        ExecuteAsActorAsync(actor, (account, _, _) => AccountLifecycle.Close(account, reason));

    public Task<CommandResult> MakePromiseAsync(decimal amount, DateOnly dueDate, string actor) =>
        ExecuteAsActorAsync(actor, (account, rules, now) => AccountLifecycle.MakePromise(account, amount, dueDate, now, rules));

    public Task<CommandResult> SubmitPlanAsync(PlanTerms terms, string actor) =>
        ExecuteAsActorAsync(actor, (account, rules, now) => AccountLifecycle.SubmitPlan(account, terms, now, rules, requiresApproval: AccountLifecycle.AgencyOf(actor) is not null));

    public Task<CommandResult> ApprovePlanAsync(string actor) =>
        ExecuteAsActorAsync(actor, (account, _, _) => AccountLifecycle.ApprovePlan(account, actor));

    public Task<CommandResult> OfferSettlementAsync(decimal amount, DateOnly expiresOn, string actor) =>
        ExecuteAsActorAsync(actor, (account, rules, now) => AccountLifecycle.OfferSettlement(account, amount, expiresOn, now, rules, requiresApproval: AccountLifecycle.AgencyOf(actor) is not null));

    public Task<CommandResult> ApproveSettlementAsync(string actor) =>
        ExecuteAsActorAsync(actor, (account, _, _) => AccountLifecycle.ApproveSettlement(account, actor));

    public Task<CommandResult> DeclinePlanAsync(string reason, string actor) =>
        ExecuteAsActorAsync(actor, (account, _, _) => AccountLifecycle.DeclinePlan(account, actor, reason));

    public Task<CommandResult> DeclineSettlementAsync(string reason, string actor) =>
        ExecuteAsActorAsync(actor, (account, _, _) => AccountLifecycle.DeclineSettlement(account, actor, reason));

    public Task<CommandResult> OpenDisputeAsync(string reason, string actor) =>
        ExecuteAsActorAsync(actor, (account, _, now) => AccountLifecycle.OpenDispute(account, reason, now));

    public Task<CommandResult> ResolveDisputeAsync(DisputeOutcome outcome, string actor) =>
        ExecuteAsActorAsync(actor, (account, _, _) => AccountLifecycle.ResolveDispute(account, outcome));

    public Task<CommandResult> PlaceHoldAsync(HoldType type, string? note, string actor) =>
        ExecuteAsActorAsync(actor, (account, _, _) => AccountLifecycle.PlaceHold(account, type, note));

    public Task<CommandResult> ReleaseHoldAsync(HoldType type, string actor) =>
        ExecuteAsActorAsync(actor, (account, _, _) => AccountLifecycle.ReleaseHold(account, type));

    public Task<CommandResult> RecordLitigationStepAsync(LitigationStep step, DateOnly? on, string? caseReference, string? note, string actor) =>
        ExecuteAsActorAsync(actor, (account, _, now) => AccountLifecycle.RecordLitigationStep(account, step, on, caseReference, note, now));

    public async Task<EventPage?> GetEventsAsync(long after, int limit)
    {
        if (state is null)
        {
            return null;
        }

        var items = await gate.RunAsync(() => store.ReadEventsAsync(Key, after, limit));
        var last = after + items.Count;
        return new EventPage([.. items], items.Count == limit && last < state.Version ? last : null);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WakeReminder)
        {
            return;
        }

        if (state is null)
        {
            // The account's first append failed after its reminder was registered: nothing to wake.
            await ScheduleWakeAsync(null);
            return;
        }

        await RecordWakeLagAsync(state);
        var assigned = await AssignedRulesAsync(state);
        var latest = await LatestAsync(state);
        var due = AccountLifecycle.Advance(state, clock.Now, assigned, latest);
        var recorded = await CommitAsync([.. due.Select(e => (e, System))], assigned, latest, woke: true);
        if (!recorded.IsEmpty && logger.IsEnabled(LogLevel.Debug))
        {
            var types = string.Join(",", recorded.Events.Select(e => e.Type));
            LogWoke(logger, Key, recorded.Events.Length, types);
        }
    }

    /// <summary>
    /// Runs a command through <see cref="AccountLifecycle.Execute"/>: what is due first (recorded as the
    /// system's), then the command (as <paramref name="actor"/>'s), then the escalation it released. A
    /// rejection records nothing. The turn-based grain makes a command and a tick, or two commands, one
    /// after the other; the due-first rule makes the outcome depend on business time, not on their order.
    /// </summary>
    private async Task<CommandResult> ExecuteAsync(Func<AccountState, Domain.Strategies.Strategy, DateTimeOffset, Decision> command, string actor) =>
        (await ExecuteRecordingAsync(command, actor)).Result;

    /// <summary><see cref="ExecuteAsync"/>, with the append it made (to find the sequence number of what the command recorded).</summary>
    private async Task<(CommandResult Result, Append Append)> ExecuteRecordingAsync(Func<AccountState, Domain.Strategies.Strategy, DateTimeOffset, Decision> command, string actor)
    {
        if (state is null)
        {
            return (new CommandResult(null), Nothing);
        }

        var now = clock.Now;
        var assigned = await AssignedRulesAsync(state);
        var latest = await LatestAsync(state);
        var current = await PersonOfAsync(state) is { } person ? state with { Person = person } : state;
        var execution = AccountLifecycle.Execute(current, now, assigned, latest, (account, rules) => command(account, rules, now));
        if (execution.Rejection is { } rejection)
        {
            LogRejected(logger, Key, rejection.Kind);
            return (CommandResult.Rejected(rejection), Nothing);
        }

        var append = await CommitAsync(
            [
                .. execution.Due.Select(e => (e, System)),
                .. execution.Commanded.Select(e => (e, actor)),
                .. execution.Released.Select(e => (e, System)),
            ],
            assigned,
            latest);
        return (new CommandResult(await ViewAsync(state), Recorded: execution.Commanded.Length), append);
    }

    /// <summary>
    /// A command of the account's own, by the lender or by an agency on its current placement (see
    /// <see cref="AccountLifecycle.AsActor"/>); an agency's plans and settlements wait for the lender.
    /// </summary>
    private Task<CommandResult> ExecuteAsActorAsync(string actor, Func<AccountState, Domain.Strategies.Strategy, DateTimeOffset, Decision> command) =>
        ExecuteAsync((account, rules, now) => AccountLifecycle.AsActor(account, actor, now, () => command(account, rules, now)), actor);

    /// <summary>
    /// The account's one write path, for every command and every wake: decide → append → apply → side
    /// effects. <see cref="AppendAsync"/> records what was decided, completed by the domain, and tells the
    /// rest (wake, portfolio, agencies); then the account is placed if it is due and its outbox is sent,
    /// each result appended the same way (never through this method again). A command that decided
    /// nothing records and does nothing; a wake goes on even so: the state may call for contacts or a
    /// recall by itself, a placement may be retried, the outbox re-sent.
    /// </summary>
    private async Task<Append> CommitAsync(
        ImmutableArray<(AccountEventData Data, string Actor)> decided, Domain.Strategies.Strategy assigned, StrategyInForce latest, bool woke = false)
    {
        if (decided.IsEmpty && !woke)
        {
            return Nothing;
        }

        var append = await AppendAsync(decided, assigned, latest);
        if (append.IsEmpty)
        {
            // Nothing was due (a tick a moment early, a retry after a tick that did the work, or a bucket
            // boundary): report the portfolio and point the reminder at the next wake.
            registeredWake = default;
            var published = await PublishFeedAsync([]);
            await ScheduleWakeAsync(state);
            await ReportAsync();
            await QueueAsync();
            if (!published)
            {
                await BringWakeForwardAsync();
            }
        }

        await PlaceIfDueAsync();
        await DispatchOutboxAsync();
        return append;
    }

    /// <summary>
    /// Appends what a side effect decided (a placement, or why it waits) as <paramref name="actor"/>'s,
    /// with what it calls for, and tells the rest; no further side effect follows from it in this turn.
    /// </summary>
    private async Task AppendResultAsync(ImmutableArray<AccountEventData> decided, string actor)
    {
        if (decided.IsEmpty)
        {
            return;
        }

        var account = state!;
        await AppendAsync([.. decided.Select(e => (e, actor))], await AssignedRulesAsync(account), await LatestAsync(account));
    }

    /// <summary>
    /// Appends the decided events, completed by <see cref="AccountLifecycle.Complete"/> (the contacts and
    /// placement recall they call for), with the new snapshot atomically, then applies them, reports the
    /// portfolio and tells the agencies what changed for them. The reminder is moved earlier before the
    /// append (a crash in between leaves an early wake, which recomputes and finds nothing new) and later
    /// only after it (a crash in between leaves the old, earlier wake).
    /// </summary>
    private async Task<Append> AppendAsync(
        ImmutableArray<(AccountEventData Data, string Actor)> decided, Domain.Strategies.Strategy assigned, StrategyInForce latest) =>
        await RecordAsync(await CompleteWithPersonAsync(state, decided, assigned, latest));

    /// <summary>
    /// Stores an append completed from the current state (one or several completions chained, see
    /// <see cref="DispatchOutboxAsync"/>), applies it and tells the rest, as <see cref="AppendAsync"/> describes.
    /// </summary>
    private async Task<Append> RecordAsync(Append append)
    {
        if (append.IsEmpty)
        {
            return append;
        }

        var before = state;
        var next = append.State! with { Person = null };
        var expected = before?.Version ?? 0;
        var wake = await NextWakeAsync(next);
        var earlier = !registeredWake.Known || (wake is not null && (registeredWake.At is null || wake.At < registeredWake.At));
        if (earlier)
        {
            await ScheduleWakeAsync(next, wake);
        }

        var serialized = append.Events.Select(e => (ReadOnlyMemory<byte>)AccountEventJson.SerializeToUtf8Bytes(e)).ToArray();
        var snapshot = AccountSnapshotJson.SerializeToUtf8Bytes(next);
        if (!await gate.RunAsync(() => store.AppendAsync(Key, expected, serialized, snapshot)))
        {
            // Another activation wrote first (possible only around a silo failure): start over from storage.
            DeactivateOnIdle();
            throw new EventStoreConcurrencyException(Key, expected);
        }

        state = next;

        // Published before the wake moves later: a silo that dies in between leaves the earlier wake to find the gap.
        var published = await PublishFeedAsync(append.Events);
        if (!earlier)
        {
            await ScheduleWakeAsync(next, wake);
        }

        if (!published)
        {
            await BringWakeForwardAsync();
        }

        metrics.Recorded(append.Events.Select(e => e.Data));
        await ReportAsync();
        await QueueAsync();
        await TellAgenciesAsync(before);
        await SyncDebtorAsync(before, next);
        return append;
    }

    /// <summary>
    /// Reports the portfolio contribution and files the account's summary in the index; if either does not
    /// land, the wake is brought forward to retry it, since nothing else may happen to this account for a
    /// long time (a closed one has no wake at all).
    /// </summary>
    private async Task ReportAsync()
    {
        var reportedPortfolio = await ReportPortfolioAsync();
        if (!await IndexAsync() || !reportedPortfolio)
        {
            await BringWakeForwardAsync();
        }
    }

    /// <summary>Brings the wake within the retry period, so that a side effect that did not land is retried soon.</summary>
    private async Task BringWakeForwardAsync()
    {
        var retry = wakeOptions.Value.RetryPeriod;
        var due = registeredWake.At is { } at && clock.RealDelayUntil(at) < retry ? clock.RealDelayUntil(at) : retry;
        await RegisterWakeReminderAsync(due);
        registeredWake = default;
    }

    private async Task ScheduleWakeAsync(AccountState? account) =>
        await ScheduleWakeAsync(account, account is null ? null : await NextWakeAsync(account));

    private async Task ScheduleWakeAsync(AccountState? account, Wake? wake)
    {
        if (registeredWake.Known && registeredWake.At == wake?.At)
        {
            return;
        }

        if (account is null || wake is null)
        {
            await gate.RunAsync(async () =>
            {
                if (await this.GetReminder(WakeReminder) is { } reminder)
                {
                    await this.UnregisterReminder(reminder);
                }
            });
        }
        else
        {
            await RegisterWakeReminderAsync(clock.RealDelayUntil(wake.At));
        }

        registeredWake = (true, wake?.At);
    }

    /// <summary>Points the wake reminder at a real delay from now; its period is the retry interval.</summary>
    private async Task RegisterWakeReminderAsync(TimeSpan due) =>
        await gate.RunAsync(() => this.RegisterOrUpdateReminder(WakeReminder, due, wakeOptions.Value.RetryPeriod));

    private async Task<Wake?> NextWakeAsync(AccountState account)
    {
        var rules = await AssignedRulesAsync(account);
        var wake = AccountLifecycle.Earliest(AccountLifecycle.NextWake(account, rules), await PlacementWakeAsync(account));
        wake = AccountLifecycle.Earliest(wake, await ContactWakeAsync(account));
        wake = AccountLifecycle.Earliest(wake, AccountLifecycle.SegmentWake(account, rules, clock.Now));
        return AccountLifecycle.Earliest(wake, BucketWake(account, rules));
    }

    private ValueTask<Domain.Strategies.Strategy> AssignedRulesAsync(AccountState account) =>
        strategies.RulesAsync(account.LenderId, account.Strategy);

    private ValueTask<StrategyInForce> LatestAsync(AccountState account) =>
        strategies.LatestAsync(account.LenderId, account.AccountRef, account.Strategy.Variant);

    private async Task<AccountView> ViewAsync(AccountState account)
    {
        var rules = await AssignedRulesAsync(account);
        var now = clock.Now;
        var active = account.Status == AccountStatus.Active;
        var dpd = Math.Max(0, account.DaysPastDue(now));
        var wake = AccountLifecycle.Earliest(AccountLifecycle.NextWake(account, rules), VisiblePlacementWake(account, rules));
        var debtor = account.Record.Debtor;
        return new AccountView
        {
            LenderId = account.LenderId,
            AccountRef = account.AccountRef,
            Status = account.Status,
            Stage = account.Stage,
            Bucket = active ? rules.BucketAt(dpd) : null,
            DaysPastDue = dpd,
            RiskTier = RiskTiers.Assess(dpd, account.Balance.Total, account.Record.Score),
            Currency = account.Record.Currency,
            Balance = BalanceView.From(account.Balance),
            Strategy = new StrategyRefView(account.Strategy.Name, account.Strategy.Version, account.Strategy.Variant.ToString().ToLowerInvariant()),
            NextWakeAt = wake?.At,
            NextWakeReason = wake?.Reason,
            ClosedReason = account.ClosedReason,
            EventCount = account.Version,
            Product = account.Record.Product,
            DueDate = account.Record.DueDate,
            Arrears = account.Arrears,
            Collected = account.Collected,
            Overpaid = account.Overpaid,
            OpenedAt = account.OpenedAt,
            StageEnteredAt = account.StageEnteredAt,
            ClosedAt = account.ClosedAt,
            Contact = new ContactView(debtor.BorrowerName, debtor.Phone, debtor.Email, debtor.TimeZone, debtor.Region, debtor.Address),
            Holds = [.. account.Holds.Select(AccountViews.Hold)],
            Dispute = AccountViews.Dispute(account),
            Promise = AccountViews.Promise(account),
            Plan = AccountViews.Plan(account),
            Settlement = AccountViews.Settlement(account),
            Litigation = AccountViews.Litigation(account),
            EscalationHeldBy = active ? AccountLifecycle.EscalationHeldBy(account) : null,
            PromisesKept = account.PromisesKept,
            PromisesBroken = account.PromisesBroken,
            Forgiven = account.Forgiven,
            FirstNoticeAt = account.FirstNoticeAt,
            Placement = PlacementViewOf(account),
            CustomerId = account.Record.CustomerId,
            WrongNumbers = account.WrongNumbers,
            Segment = account.Segment,
            ValidationEndsOn = AccountLifecycle.ValidationEndsOn(account, rules),
        };
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Account {AccountKey} woke and recorded {Count} event(s): {EventTypes}")]
    private static partial void LogWoke(ILogger logger, string accountKey, int count, string eventTypes);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Account {AccountKey} refused a command ({Kind})")]
    private static partial void LogRejected(ILogger logger, string accountKey, RejectionKind kind);
}
