using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Agencies;
using Collections.Domain.Contacts;
using Collections.Grains.Agencies;
using Xunit.Abstractions;

namespace Collections.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class AgencyPlacementTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private IGrainFactory Grains => fixture.Client;

    /// <summary>
    /// Ten thousand accounts enter the placement stage at the same moment, from every silo at once,
    /// against agencies whose capacities sum to 6 000.
    /// </summary>
    [Fact]
    public async Task Ten_thousand_accounts_reaching_placement_at_once_fill_exactly_the_capacity_and_the_rest_are_placed_as_it_frees()
    {
        const int accountCount = 10_000;
        var lender = NewId("LC");
        (string Id, int Capacity)[] agencies = [(NewId("AG"), 3000), (NewId("AG"), 1500), (NewId("AG"), 1000), (NewId("AG"), 500)];
        var capacity = agencies.Sum(a => a.Capacity);
        await AgenciesAsync(lender, agencies);
        var refs = Enumerable.Range(0, accountCount).Select(i => $"C-{i:D5}").ToList();

        using var metrics = new AgencyMeters();
        using var watch = new CapacityWatch(Grains, agencies);
        var clock = Stopwatch.StartNew();
        await ForEachAsync(refs, r => Account(lender, r).UpsertAsync(MidRecord(r), $"lender:{lender}"));
        var elapsed = clock.Elapsed;

        var views = await ViewsAsync(lender, refs);
        var placed = views.Where(v => v.Placement is not null).ToList();
        Assert.Equal(capacity, placed.Count);
        foreach (var (id, cap) in agencies)
        {
            Assert.Equal(cap, placed.Count(v => v.Placement!.AgencyId == id));
        }

        await AssertAgenciesHoldExactlyTheAccountsPlacedWithThemAsync(agencies, views);
        var waiting = views.Where(v => v.Placement is null).ToList();
        Assert.All(waiting, v => Assert.Equal("retry placement (waiting for agency capacity)", v.NextWakeReason));
        output.WriteLine($"{accountCount} accounts opened at DPD 40 and allocated in {elapsed.TotalSeconds:F1} s ({accountCount / elapsed.TotalSeconds:F0}/s) on 3 silos");
        output.WriteLine($"allocations: {metrics.Describe("collections.placement.allocations", "outcome")}");
        output.WriteLine($"reservations per agency grain: {metrics.Describe("collections.agency.reservations", "agency")}");
        output.WriteLine($"directory reads (catalog refreshes, all silos): {metrics.Total("collections.agency.catalog_refreshes")}");

        // Capacity frees: 4 000 placed accounts leave collections; the waiting ones are placed by their wakes.
        var freed = placed.Take(accountCount - capacity).ToList();
        await ForEachAsync(freed, v => Account(lender, v.AccountRef).CloseAsync(ClosedReason.Recalled, $"lender:{lender}"));
        Assert.Equal(capacity - freed.Count, await CurrentAsync(agencies));

        clock.Restart();
        await fixture.AdvanceAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(20));
        await fixture.Eventually(async () => await CurrentAsync(agencies) == capacity, "the waiting accounts are placed as capacity frees", 240_000);
        output.WriteLine($"{waiting.Count} waiting accounts placed by their wake retries in {clock.Elapsed.TotalSeconds:F1} s");

        var active = await ViewsAsync(lender, refs.Except(freed.Select(v => v.AccountRef)).ToList());
        Assert.Equal(capacity, active.Count(v => v.Placement is not null));
        Assert.All(waiting, v => Assert.NotNull(active.Single(a => a.AccountRef == v.AccountRef).Placement));
        await AssertAgenciesHoldExactlyTheAccountsPlacedWithThemAsync(agencies, active);
        Assert.Equal(accountCount, (await Task.WhenAll(agencies.Select(a => Grains.GetGrain<IAgencyGrain>(a.Id).GetAsync()))).Sum(v => v!.Performance.Placements));
        Assert.All(agencies, a => Assert.True(watch.Highest(a.Id) <= a.Capacity, $"{a.Id} held {watch.Highest(a.Id)} > {a.Capacity}"));
        output.WriteLine($"highest count seen per agency while it ran: {string.Join(", ", agencies.Select(a => $"{watch.Highest(a.Id)}/{a.Capacity}"))}");

        await ForEachAsync(active, v => Account(lender, v.AccountRef).CloseAsync(ClosedReason.Recalled, $"lender:{lender}"));
    }

    [Fact]
    public async Task A_placement_is_recalled_by_the_accounts_own_wake_when_its_term_ends_and_goes_to_another_agency()
    {
        var lender = NewId("LE");
        (string Id, int Capacity)[] agencies = [(NewId("AG"), 10), (NewId("AG"), 10)];
        await AgenciesAsync(lender, agencies);
        var accountRef = Accounts.NewRef();
        var grain = Account(lender, accountRef);
        await grain.UpsertAsync(MidRecord(accountRef), $"lender:{lender}");

        var view = (await grain.GetViewAsync())!;
        var first = view.Placement!.AgencyId;
        var expiresAt = view.Placement.ExpiresAt;
        Assert.Equal(view.StageEnteredAt!.Value.Date.AddDays(30), expiresAt.UtcDateTime);
        Assert.Equal(expiresAt, view.NextWakeAt);

        await fixture.AdvanceAsync(expiresAt - TimeSpan.FromMinutes(5) - fixture.Time.GetUtcNow(), TimeSpan.FromHours(6));
        Assert.Equal(first, (await grain.GetViewAsync())!.Placement?.AgencyId);
        Assert.NotNull(await Grains.GetGrain<IAccountPlacementGrain>(AccountKey.For(lender, accountRef)).GetAgencyViewAsync(first));

        await fixture.AdvanceAsync(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(1));
        await fixture.Eventually(async () => (await grain.GetViewAsync())!.Placement is { } p && p.AgencyId != first, "the wake recalls the placement and places it elsewhere");

        var types = await EventTypesAsync(grain);
        Assert.Equal(["AccountPlaced", "PlacementRecalled", "AccountPlaced"], types.Where(t => t.Contains("Placed", StringComparison.Ordinal) || t.Contains("Placement", StringComparison.Ordinal)));
        var recalled = (await grain.GetEventsAsync(0, 100))!.Items.Select(Parse).Single(e => e.GetProperty("type").GetString() == "PlacementRecalled");
        Assert.Equal("Expired", recalled.GetProperty("data").GetProperty("reason").GetString());
        Assert.Equal("system", recalled.GetProperty("actor").GetString());
        Assert.Null(await Grains.GetGrain<IAccountPlacementGrain>(AccountKey.For(lender, accountRef)).GetAgencyViewAsync(first));

        var firstAgency = (await Grains.GetGrain<IAgencyGrain>(first).GetAsync())!;
        Assert.Equal(0, firstAgency.Current);
        Assert.Equal(1, firstAgency.Performance.Ended["Expired"]);
        Assert.Equal(1, (await Grains.GetGrain<IAgencyGrain>(agencies.Single(a => a.Id != first).Id).GetAsync())!.Current);

        await grain.CloseAsync(ClosedReason.Recalled, $"lender:{lender}");
    }

    [Fact]
    public async Task Allocation_splits_placements_by_measured_recovery_within_tolerance()
    {
        var lender = NewId("LW");
        var good = NewId("AG");
        var poor = NewId("AG");
        await AgenciesAsync(lender, (good, 2000), (poor, 2000));

        // Measured results: the first 40 placements split evenly (nothing completed yet); then every
        // account with the good agency pays in full through it, every one with the poor agency is closed.
        var seed = Enumerable.Range(0, 40).Select(i => $"S-{i:D3}").ToList();
        await ForEachAsync(seed, r => Account(lender, r).UpsertAsync(MidRecord(r), $"lender:{lender}"));
        foreach (var view in await ViewsAsync(lender, seed))
        {
            var placement = Grains.GetGrain<IAccountPlacementGrain>(AccountKey.For(lender, view.AccountRef));
            if (view.Placement!.AgencyId == good)
            {
                Assert.True((await placement.PayThroughAgencyAsync(good, $"P-{view.AccountRef}", 1000m, null, $"agency:{good}")).Recorded);
            }
            else
            {
                await Account(lender, view.AccountRef).CloseAsync(ClosedReason.Recalled, $"lender:{lender}");
            }
        }

        var statuses = await Task.WhenAll(new[] { good, poor }.Select(id => Grains.GetGrain<IAgencyGrain>(id).GetStatusAsync()));
        Assert.Equal(40, statuses.Sum(s => s!.Completed));
        Assert.Equal(1.0, statuses[0]!.CompletedRecoveryRate);
        Assert.Equal(0.0, statuses[1]!.CompletedRecoveryRate);
        var weights = AgencyAllocation.Weights([.. statuses.Select(s => new AgencyCandidate(s!.AgencyId, s.Completed, s.CompletedRecoveryRate))]);
        var expected = weights[good] / (weights[good] + weights[poor]);
        fixture.CatalogTime.Advance(ClusterFixture.AgencyCatalogTtl * 2);

        const int placements = 600;
        var refs = Enumerable.Range(0, placements).Select(i => $"W-{i:D4}").ToList();
        await ForEachAsync(refs, r => Account(lender, r).UpsertAsync(MidRecord(r), $"lender:{lender}"));
        var views = await ViewsAsync(lender, refs);
        var share = (double)views.Count(v => v.Placement?.AgencyId == good) / placements;
        output.WriteLine($"expected share of the better agency {expected:P1}, observed {share:P1} over {placements} placements");

        // 4 standard deviations of a binomial share at 600 draws is under 0.075.
        Assert.InRange(share, expected - 0.075, expected + 0.075);
        Assert.Equal(placements, views.Count(v => v.Placement is not null));

        await ForEachAsync(views, v => Account(lender, v.AccountRef).CloseAsync(ClosedReason.Recalled, $"lender:{lender}"));
    }

    [Fact]
    public async Task A_slot_reserved_for_a_placement_the_account_never_recorded_is_released_when_the_agency_asks_and_a_recorded_one_stays()
    {
        var lender = NewId("LR");
        var agencyId = NewId("AG");
        await AgenciesAsync(lender, (agencyId, 5));
        var agency = Grains.GetGrain<IAgencyGrain>(agencyId);

        var placedRef = Accounts.NewRef();
        await Account(lender, placedRef).UpsertAsync(MidRecord(placedRef), $"lender:{lender}");
        var placementId = (await Grains.GetGrain<IAccountPlacementGrain>(AccountKey.For(lender, placedRef)).GetAgencyViewAsync(agencyId)) is not null
            ? (await Account(lender, placedRef).GetEventsAsync(0, 100))!.Items.Select(Parse).Single(e => e.GetProperty("type").GetString() == "AccountPlaced").GetProperty("seq").GetInt64()
            : 0;
        Assert.NotEqual(0, placementId);

        var earlyRef = Accounts.NewRef();
        await Account(lender, earlyRef).UpsertAsync(Accounts.Record(earlyRef, fixture.Today.AddDays(-10)), $"lender:{lender}");
        var orphan = await agency.ReserveAsync(new PlacementReservation(AccountKey.For(lender, earlyRef), 999, lender, null));
        Assert.Equal(ReserveOutcome.Reserved, orphan.Outcome);
        Assert.Equal(2, (await agency.GetAsync())!.Current);

        await Grains.GetGrain<IAccountPlacementGrain>(AccountKey.For(lender, earlyRef)).ReconcilePlacementAsync(agencyId, 999);
        await Grains.GetGrain<IAccountPlacementGrain>(AccountKey.For(lender, placedRef)).ReconcilePlacementAsync(agencyId, placementId);
        await fixture.Eventually(async () => (await agency.GetAsync())!.Current == 1, "the unrecorded reservation is released");

        var page = await agency.GetPlacementsAsync(null, 10);
        Assert.Equal([placedRef], page.Items.Select(i => i.AccountRef));
        await Account(lender, placedRef).CloseAsync(ClosedReason.Recalled, $"lender:{lender}");
    }

    /// <summary>
    /// One agency grain takes concurrent reservations interleaved (its store is atomic), so it is not a
    /// queue: thousands at once from every silo end at exactly its capacity.
    /// </summary>
    [Fact]
    public async Task One_agency_grain_answers_thousands_of_concurrent_reservations_exactly_to_its_capacity()
    {
        var lender = NewId("LH");
        var agencyId = NewId("AG");
        await AgenciesAsync(lender, (agencyId, 2000));
        var agency = Grains.GetGrain<IAgencyGrain>(agencyId);

        var clock = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 5000).Select(i =>
            agency.ReserveAsync(new PlacementReservation(AccountKey.For(lender, $"H-{i}"), 1, lender, null))));
        var elapsed = clock.Elapsed;

        Assert.Equal(2000, outcomes.Count(o => o.Outcome == ReserveOutcome.Reserved));
        Assert.Equal(3000, outcomes.Count(o => o.Outcome == ReserveOutcome.Full));
        Assert.Equal(2000, (await agency.GetAsync())!.Current);
        output.WriteLine($"one agency grain answered 5000 concurrent reservations in {elapsed.TotalMilliseconds:F0} ms ({5000 / elapsed.TotalSeconds:F0}/s)");

        foreach (var i in Enumerable.Range(0, outcomes.Length).Where(i => outcomes[i].Outcome == ReserveOutcome.Reserved))
        {
            await agency.ReleaseAsync(AccountKey.For(lender, $"H-{i}"), 1, "Unrecorded", null);
        }

        Assert.Equal(0, (await agency.GetAsync())!.Current);
    }

    [Fact]
    public async Task An_agencys_calls_count_toward_the_persons_cap_and_the_lenders_call_over_it_on_another_loan_is_a_violation()
    {
        var lender = NewId("LE");
        (string Id, int Capacity)[] agencies = [(NewId("AG"), 10)];
        await AgenciesAsync(lender, agencies);
        var customerId = $"C-{Guid.NewGuid():N}";

        // The person lives where it is midday now: inside the CN window whatever the fixture's time.
        var offset = 12 - fixture.Time.GetUtcNow().Hour;
        var zone = offset >= 0 ? $"Etc/GMT-{offset}" : $"Etc/GMT+{-offset}";
        AccountRecord Loan(string accountRef, int daysPastDue)
        {
            var record = Accounts.Record(accountRef, fixture.Today.AddDays(-daysPastDue));
            return record with { CustomerId = customerId, Debtor = record.Debtor with { TimeZone = zone } };
        }

        var (placed, own) = (Accounts.NewRef(), Accounts.NewRef());
        await Account(lender, placed).UpsertAsync(Loan(placed, 40), $"lender:{lender}");
        await Account(lender, own).UpsertAsync(Loan(own, 1), $"lender:{lender}");
        var agencyId = (await Account(lender, placed).GetViewAsync())!.Placement!.AgencyId;

        var asAgency = Grains.GetGrain<IAccountPlacementGrain>(AccountKey.For(lender, placed));
        for (var i = 0; i < 3; i++)
        {
            var call = await asAgency.RecordAgencyContactAsync(agencyId, new AgencyContact(ContactChannel.Call, ContactOutcome.Conversation, null, null, null), AccountLifecycle.AgencyActor(agencyId));
            Assert.Null(call.Rule);
        }

        var lenders = await Grains.GetGrain<IAccountContactsGrain>(AccountKey.For(lender, own))
            .RecordContactAsync(new TeamContact(ContactChannel.Call, ContactOutcome.Conversation, null), $"lender:{lender}");
        Assert.Equal((ContactRules.EffectiveCallsPerDay, true), (lenders.Rule, lenders.Recorded));
        var agencys = await asAgency.RecordAgencyContactAsync(agencyId, new AgencyContact(ContactChannel.Call, ContactOutcome.Conversation, null, null, null), AccountLifecycle.AgencyActor(agencyId));
        Assert.Equal((ContactRules.EffectiveCallsPerDay, true), (agencys.Rule, agencys.Recorded));
        Assert.Equal(1, (await asAgency.GetAgencyViewAsync(agencyId))!.Stats.Violations);

        await Account(lender, placed).CloseAsync(ClosedReason.Recalled, $"lender:{lender}");
        await Account(lender, own).CloseAsync(ClosedReason.Recalled, $"lender:{lender}");
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..16];

    private IAccountGrain Account(string lender, string accountRef) => Grains.GetGrain<IAccountGrain>(AccountKey.For(lender, accountRef));

    private AccountRecord MidRecord(string accountRef) => Accounts.Record(accountRef, fixture.Today.AddDays(-40));

    private async Task AgenciesAsync(string lender, params (string Id, int Capacity)[] agencies)
    {
        await Task.WhenAll(agencies.Select(a => Grains.GetGrain<IAgencyGrain>(a.Id).PutAsync(new AgencyProfile($"Agency {a.Id}", a.Capacity, [lender], 0.2m, []))));

        // Every silo's allocation cache sees the new agencies.
        fixture.CatalogTime.Advance(ClusterFixture.AgencyCatalogTtl * 2);
    }

    private async Task<long> CurrentAsync((string Id, int Capacity)[] agencies) =>
        (await Task.WhenAll(agencies.Select(a => Grains.GetGrain<IAgencyGrain>(a.Id).GetAsync()))).Sum(v => v!.Current);

    private async Task<List<AccountView>> ViewsAsync(string lender, IReadOnlyList<string> refs)
    {
        var views = new ConcurrentBag<AccountView>();
        await ForEachAsync(refs, async r => views.Add((await Account(lender, r).GetViewAsync())!));
        return [.. views];
    }

    /// <summary>
    /// Each agency's work list, read page by page, is exactly the accounts whose own state says they are
    /// placed with it — so no account is on two lists — and it holds no more than its capacity.
    /// </summary>
    private async Task AssertAgenciesHoldExactlyTheAccountsPlacedWithThemAsync((string Id, int Capacity)[] agencies, IReadOnlyList<AccountView> views)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, cap) in agencies)
        {
            var refs = new List<string>();
            string? cursor = null;
            do
            {
                var page = await Grains.GetGrain<IAgencyGrain>(id).GetPlacementsAsync(cursor, 1000);
                refs.AddRange(page.Items.Select(i => i.AccountRef));
                cursor = page.Next;
            }
            while (cursor is not null);

            Assert.All(refs, r => Assert.True(listed.Add(r), $"{r} is listed by two agencies"));
            var expected = views.Where(v => v.Placement?.AgencyId == id).Select(v => v.AccountRef).Order(StringComparer.Ordinal);
            Assert.Equal(expected, refs.Order(StringComparer.Ordinal));
            var agency = (await Grains.GetGrain<IAgencyGrain>(id).GetAsync())!;
            Assert.Equal(refs.Count, agency.Current);
            Assert.True(agency.Current <= cap);
        }
    }

    private static async Task<List<string>> EventTypesAsync(IAccountGrain grain) =>
        [.. (await grain.GetEventsAsync(0, 500))!.Items.Select(Parse).Select(e => e.GetProperty("type").GetString()!)];

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    private static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, Task> action) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 200 }, async (item, _) => await action(item));

    /// <summary>Counts the agencies' meters while a test runs (the cluster runs in this process).</summary>
    private sealed class AgencyMeters : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentDictionary<(string Instrument, string Tag), long> counts = new();

        public AgencyMeters()
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == AgencyMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var tag = string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"));
                counts.AddOrUpdate((instrument.Name, tag), value, (_, sum) => sum + value);
            });
            listener.Start();
        }

        public long Total(string instrument) => counts.Where(c => c.Key.Instrument == instrument).Sum(c => c.Value);

        public string Describe(string instrument, string byTag) => string.Join("; ", counts
            .Where(c => c.Key.Instrument == instrument)
            .GroupBy(c => c.Key.Tag.Split(',').FirstOrDefault(t => t.StartsWith(byTag + "=", StringComparison.Ordinal)) ?? "")
            .Select(g => $"{g.Key}: {g.Sum(c => c.Value)} ({string.Join(", ", g.Select(c => $"{c.Key.Tag.Replace(g.Key, "", StringComparison.Ordinal).Trim(',')}={c.Value}"))})"));

        public void Dispose() => listener.Dispose();
    }

    /// <summary>Polls the agencies' counts while a test runs and keeps the highest seen.</summary>
    private sealed class CapacityWatch : IDisposable
    {
        private readonly ConcurrentDictionary<string, long> highest = new(StringComparer.Ordinal);
        private readonly CancellationTokenSource stop = new();
        private readonly Task polling;

        public CapacityWatch(IGrainFactory grains, (string Id, int Capacity)[] agencies)
        {
            polling = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    foreach (var (id, _) in agencies)
                    {
                        var current = (await grains.GetGrain<IAgencyGrain>(id).GetAsync())?.Current ?? 0;
                        highest.AddOrUpdate(id, current, (_, seen) => Math.Max(seen, current));
                    }

                    await Task.Delay(50);
                }
            });
        }

        public long Highest(string agencyId) => highest.GetValueOrDefault(agencyId);

        public void Dispose()
        {
            stop.Cancel();
            polling.Wait(TimeSpan.FromSeconds(5));
            stop.Dispose();
        }
    }
}
