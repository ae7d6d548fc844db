using System.Collections.Immutable;
using System.Text.Json;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Agencies;
using Collections.Grains.Time;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Agencies;

[GenerateSerializer, Alias("collections.AgencyState")]
public sealed class AgencyState
{
    [Id(0)] public AgencyProfile? Profile { get; set; }

    [Id(1)] public DateTimeOffset? CreatedAt { get; set; }

    [Id(2)] public DateTimeOffset? UpdatedAt { get; set; }
}

/// <summary>
/// One agency (see <see cref="IAgencyGrain"/>). Its profile is grain state; its placements and counters
/// live in the <see cref="IAgencyPlacementStore"/>, whose atomic operations keep capacity exact while
/// placement calls interleave. A timer settles, with their accounts, reservations never confirmed and
/// placements held past their term — the only way a crash between the two sides could leave a slot taken.
/// </summary>
public sealed partial class AgencyGrain(
    [PersistentState("agency", GrainStorage.Name)] IPersistentState<AgencyState> state,
    IAgencyPlacementStore store,
    BusinessClock clock,
    TimeProvider time,
    IOptions<AgencyOptions> options,
    AgencyMetrics metrics,
    ILogger<AgencyGrain> logger) : Grain, IAgencyGrain
{
    private const int ReconcileBatch = 500;

    private string AgencyId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var period = options.Value.ReconcilePeriod;
        this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(period, period) { Interleave = true });
        return Task.CompletedTask;
    }

    public async Task<AgencyView> PutAsync(AgencyProfile profile)
    {
        var now = clock.Now;
        state.State = new AgencyState { Profile = profile, CreatedAt = state.State.CreatedAt ?? now, UpdatedAt = now };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IAgencyDirectoryGrain>(IAgencyDirectoryGrain.Key).UpsertAsync(new AgencyListing(AgencyId, profile));
        LogProfile(logger, AgencyId, profile.Capacity, profile.Lenders.Length);
        return (await GetAsync())!;
    }

    public async Task<AgencyView?> GetAsync()
    {
        if (state.State.Profile is not { } profile)
        {
            return null;
        }

        var performance = AgencyPerformance.From(await store.CountersAsync(AgencyId, PlacementCounters.AllLenders));
        return new AgencyView(
            AgencyId, profile.Name, profile.Capacity, profile.Lenders, profile.CommissionRate, profile.Regions,
            performance.Current, Math.Max(0, profile.Capacity - performance.Current), performance, state.State.CreatedAt, state.State.UpdatedAt);
    }

    public async Task<AgencyStatus?> GetStatusAsync()
    {
        if (state.State.Profile is not { } profile)
        {
            return null;
        }

        var performance = AgencyPerformance.From(await store.CountersAsync(AgencyId, PlacementCounters.AllLenders));
        return new AgencyStatus(AgencyId, profile.Capacity, performance.Current, performance.Completed, (double)performance.CompletedRecoveryRate);
    }

    public async Task<ReserveResult> ReserveAsync(PlacementReservation reservation)
    {
        if (state.State.Profile is not { } profile || !profile.Serves(reservation.LenderId, reservation.Region))
        {
            Count(ReserveOutcome.NotServing.ToString());
            return new ReserveResult(ReserveOutcome.NotServing, 0, state.State.Profile?.Capacity ?? 0, 0);
        }

        var confirmBy = time.GetUtcNow() + options.Value.ConfirmWindow;
        var (outcome, current) = await store.ReserveAsync(AgencyId, reservation.AccountKey, reservation.PlacementId, reservation.LenderId, profile.Capacity, confirmBy);
        Count(outcome.ToString());
        return new ReserveResult(
            outcome == SlotOutcome.Full ? ReserveOutcome.Full : ReserveOutcome.Reserved,
            profile.CommissionRate,
            profile.Capacity,
            current / PlacementCounters.Scale);
    }

    public async Task ConfirmAsync(PlacementSync placement)
    {
        if (!await store.ConfirmAsync(AgencyId, Stored(placement)))
        {
            LogRecreated(logger, AgencyId, placement.PlacementId);
        }
    }

    public Task UpdateAsync(PlacementSync placement) => store.UpdateAsync(AgencyId, Stored(placement));

    public async Task ReleaseAsync(string accountKey, long placementId, string reason, PlacementSync? final)
    {
        var month = PlacementCounters.Month(final?.At ?? clock.Now);
        if (await store.ReleaseAsync(AgencyId, accountKey, placementId, reason, month, final is null ? null : Stored(final)))
        {
            metrics.Ended.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public async Task<AgencyWorkPage> GetPlacementsAsync(string? cursor, int limit)
    {
        var after = cursor is null ? 0 : long.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
        var page = await store.PageAsync(AgencyId, after, Math.Clamp(limit, 1, 1000));
        var now = clock.Now;
        var items = page.ItemsJson
            .Select(json => JsonSerializer.Deserialize<PlacementWorkItem>(json, DomainJson.Options)!)
            .Select(item => item with { DaysPastDue = Math.Max(0, BusinessCalendar.DaysPastDue(item.DueDate, now, BusinessCalendar.Zone(item.Timezone))) })
            .ToImmutableArray();
        return new AgencyWorkPage(items, page.Next?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task<AgencyStatement?> GetStatementAsync(string month, string? lenderId)
    {
        if (state.State.Profile is not { } profile)
        {
            return null;
        }

        var lenders = lenderId is null ? profile.Lenders : [lenderId];
        var counters = await Task.WhenAll(lenders.Select(l => store.CountersAsync(AgencyId, PlacementCounters.MonthScope(l, month))));
        return new AgencyStatement(AgencyId, month, profile.CommissionRate, [.. lenders.Zip(counters, AgencyStatements.Line)]);
    }

    public async Task<AgencyPerformanceView> GetLenderPerformanceAsync(string lenderId) =>
        AgencyPerformance.From(await store.CountersAsync(AgencyId, lenderId));

    /// <summary>
    /// Asks the accounts of placements that need settling to settle them (one-way: an agency never
    /// waits on an account, which may itself be waiting on this agency).
    /// </summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var realNow = time.GetUtcNow();
        var businessNow = clock.Now;
        var overdue = await store.ClaimOverdueAsync(
            AgencyId, realNow, realNow + options.Value.ConfirmWindow, businessNow - options.Value.ExpiryGrace, businessNow + options.Value.ExpiryGrace, ReconcileBatch);
        foreach (var (accountKey, placementId) in overdue)
        {
            await GrainFactory.GetGrain<IAccountPlacementGrain>(accountKey).ReconcilePlacementAsync(AgencyId, placementId);
        }

        if (overdue.Count > 0)
        {
            LogReconciling(logger, AgencyId, overdue.Count);
        }
    }

    private void Count(string outcome) =>
        metrics.Reservations.Add(1, new KeyValuePair<string, object?>("agency", AgencyId), new KeyValuePair<string, object?>("outcome", outcome));

    private static StoredPlacement Stored(PlacementSync placement) => new(
        placement.AccountKey,
        placement.PlacementId,
        placement.AsOf,
        placement.Item.LenderId,
        placement.Item.Currency,
        placement.PlacedBalance,
        placement.Item.ExpiresAt,
        placement.Stats,
        JsonSerializer.Serialize(placement.Item, DomainJson.Options),
        PlacementCounters.Month(placement.At));

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Agency {AgencyId} profile saved: capacity {Capacity}, {LenderCount} lender(s)")]
    private static partial void LogProfile(ILogger logger, string agencyId, int capacity, int lenderCount);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Agency {AgencyId} had no reservation for confirmed placement {PlacementId}; it was recreated")]
    private static partial void LogRecreated(ILogger logger, string agencyId, long placementId);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Agency {AgencyId} asked {Count} account(s) to settle unconfirmed or overdue placements")]
    private static partial void LogReconciling(ILogger logger, string agencyId, int count);
}

/// <summary>An agency's performance from its stored counters.</summary>
public static class AgencyPerformance
{
    public static AgencyPerformanceView From(IReadOnlyDictionary<string, long> counters)
    {
        long Count(string field) => counters.GetValueOrDefault(field) / PlacementCounters.Scale;
        ImmutableDictionary<string, decimal> Money(string prefix) => counters
            .Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToImmutableDictionary(c => c.Key[prefix.Length..], c => PlacementCounters.Value(c.Value), StringComparer.Ordinal);

        // Per currency collected ÷ placed, averaged over currencies by their number of placements (no
        // exchange rates here); with one currency it is simply collected ÷ placed balance.
        decimal Recovery(string count, string balance, string collected)
        {
            var counts = Money(count);
            var balances = Money(balance);
            var collections = Money(collected);
            var weight = counts.Where(p => balances.GetValueOrDefault(p.Key) > 0).Sum(p => p.Value);
            return weight == 0 ? 0 : Math.Round(counts
                .Where(p => balances.GetValueOrDefault(p.Key) > 0)
                .Sum(p => p.Value * collections.GetValueOrDefault(p.Key) / balances[p.Key]) / weight, 4);
        }

        var attempts = Count(PlacementCounters.Attempts);
        var reached = Count(PlacementCounters.Reached);
        var kept = Count(PlacementCounters.PromisesKept);
        var broken = Count(PlacementCounters.PromisesBroken);
        return new AgencyPerformanceView(
            Count(PlacementCounters.Current),
            Count(PlacementCounters.Placed),
            counters.Where(c => c.Key.StartsWith("ended:", StringComparison.Ordinal) && c.Value != 0)
                .ToImmutableDictionary(c => c.Key["ended:".Length..], c => c.Value / PlacementCounters.Scale, StringComparer.Ordinal),
            Money("placedBalance:"),
            Money("collected:"),
            Money("commission:"),
            Recovery("placedCount:", "placedBalance:", "collected:"),
            attempts,
            reached,
            attempts == 0 ? 0 : Math.Round((decimal)reached / attempts, 4),
            Count(PlacementCounters.PromisesMade),
            kept,
            broken,
            kept + broken == 0 ? 0 : Math.Round((decimal)kept / (kept + broken), 4),
            counters.Where(c => c.Key.StartsWith("completedCount:", StringComparison.Ordinal)).Sum(c => c.Value) / PlacementCounters.Scale,
            Recovery("completedCount:", "completedBalance:", "completedCollected:"),
            Count(PlacementCounters.Violations),
            Count(PlacementCounters.Complaints));
    }
}

/// <summary>A lender's line of an agency's monthly statement, from the counters of its month scope.</summary>
public static class AgencyStatements
{
    public static AgencyStatementLine Line(string lenderId, IReadOnlyDictionary<string, long> counters)
    {
        ImmutableDictionary<string, decimal> Money(string prefix) => counters
            .Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal) && c.Value != 0)
            .ToImmutableDictionary(c => c.Key[prefix.Length..], c => PlacementCounters.Value(c.Value), StringComparer.Ordinal);

        var ended = counters
            .Where(c => c.Key.StartsWith("ended:", StringComparison.Ordinal) && c.Value != 0)
            .ToImmutableDictionary(c => c.Key["ended:".Length..], c => c.Value / PlacementCounters.Scale, StringComparer.Ordinal);
        return new AgencyStatementLine(
            lenderId,
            Money("collected:"),
            Money("commission:"),
            counters.GetValueOrDefault(PlacementCounters.Placed) / PlacementCounters.Scale,
            ended.Values.Sum(),
            ended);
    }
}
