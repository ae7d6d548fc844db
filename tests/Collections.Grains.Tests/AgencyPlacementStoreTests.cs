using System.Diagnostics;
using Collections.Domain.Accounts;
using Collections.Grains.Agencies;
using Collections.Testing;
using Xunit.Abstractions;

namespace Collections.Grains.Tests;

/// <summary>
/// What every placement store must do, run against the in-memory one, a real Redis and Azurite: exact
/// capacity under concurrent reservations, idempotent steps, counters, and a work list that pages in
/// time independent of its length.
/// </summary>
public abstract class AgencyPlacementStoreContract(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Month = "2026-03";

    protected abstract IAgencyPlacementStore Store { get; }

    /// <summary>How many placements the paging measurement fills the list with.</summary>
    protected abstract int LongList { get; }

    [Fact]
    public async Task Concurrent_reservations_never_take_more_slots_than_the_capacity()
    {
        var agency = NewAgency();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2000).Select(i =>
            Task.Run(() => Store.ReserveAsync(agency, Key(i), 1, "L1", 700, Now.AddMinutes(1)))));

        Assert.Equal(700, outcomes.Count(o => o.Outcome == SlotOutcome.Reserved));
        Assert.Equal(1300, outcomes.Count(o => o.Outcome == SlotOutcome.Full));
        Assert.Equal(700 * PlacementCounters.Scale, (await Store.CountersAsync(agency, PlacementCounters.AllLenders))[PlacementCounters.Current]);
    }

    [Fact]
    public async Task Each_step_is_idempotent_and_the_counters_add_up_per_lender_and_in_total()
    {
        var agency = NewAgency();
        Assert.Equal(SlotOutcome.Reserved, (await Store.ReserveAsync(agency, "L1/A-1", 7, "L1", 2, Now)).Outcome);
        Assert.Equal(SlotOutcome.AlreadyHeld, (await Store.ReserveAsync(agency, "L1/A-1", 7, "L1", 2, Now)).Outcome);
        Assert.Equal(SlotOutcome.Reserved, (await Store.ReserveAsync(agency, "L2/B-1", 3, "L2", 2, Now)).Outcome);
        Assert.Equal(SlotOutcome.Full, (await Store.ReserveAsync(agency, "L2/B-2", 3, "L2", 2, Now)).Outcome);

        Assert.True(await Store.ConfirmAsync(agency, Placement("L1/A-1", 7, asOf: 7, PlacementStats.Zero)));
        Assert.True(await Store.ConfirmAsync(agency, Placement("L1/A-1", 7, asOf: 7, PlacementStats.Zero)));
        var paid = PlacementStats.Zero with { ContactAttempts = 2, ContactsReached = 1, Collected = 100.25m, Commission = 18.05m };
        Assert.True(await Store.UpdateAsync(agency, Placement("L1/A-1", 7, asOf: 9, paid)));
        Assert.False(await Store.UpdateAsync(agency, Placement("L1/A-1", 7, asOf: 8, PlacementStats.Zero)));

        Assert.True(await Store.ReleaseAsync(agency, "L1/A-1", 7, "Expired", Month, Placement("L1/A-1", 7, asOf: 10, paid with { Collected = 200m })));
        Assert.False(await Store.ReleaseAsync(agency, "L1/A-1", 7, "Expired", Month, null));
        Assert.True(await Store.ReleaseAsync(agency, "L2/B-1", 3, "Unrecorded", Month, null));

        var total = await Store.CountersAsync(agency, PlacementCounters.AllLenders);
        var l1 = await Store.CountersAsync(agency, "L1");
        foreach (var counters in new[] { total, l1 })
        {
            Assert.Equal(0, counters.GetValueOrDefault(PlacementCounters.Current));
            Assert.Equal(1 * PlacementCounters.Scale, counters[PlacementCounters.Placed]);
            Assert.Equal(1 * PlacementCounters.Scale, counters[PlacementCounters.Ended("Expired")]);
            Assert.Equal(200m, PlacementCounters.Value(counters[PlacementCounters.Collected("CNY")]));
            Assert.Equal(18.05m, PlacementCounters.Value(counters[PlacementCounters.Commission("CNY")]));
            Assert.Equal(1000m, PlacementCounters.Value(counters[PlacementCounters.PlacedBalance("CNY")]));
            Assert.Equal(200m, PlacementCounters.Value(counters[PlacementCounters.CompletedCollected("CNY")]));
            Assert.Equal(2 * PlacementCounters.Scale, counters[PlacementCounters.Attempts]);
        }

        Assert.False((await Store.CountersAsync(agency, "L2")).ContainsKey(PlacementCounters.Placed));
        Assert.Empty((await Store.PageAsync(agency, 0, 10)).ItemsJson);
    }

    [Fact]
    public async Task A_new_placement_of_the_same_account_takes_over_its_stale_slot_instead_of_a_second_one()
    {
        var agency = NewAgency();
        await Store.ReserveAsync(agency, "L1/A-1", 5, "L1", 1, Now);
        Assert.Equal(SlotOutcome.Reserved, (await Store.ReserveAsync(agency, "L1/A-1", 9, "L1", 1, Now)).Outcome);
        Assert.False(await Store.ReleaseAsync(agency, "L1/A-1", 5, "Unrecorded", Month, null));
        Assert.Equal(1 * PlacementCounters.Scale, (await Store.CountersAsync(agency, PlacementCounters.AllLenders))[PlacementCounters.Current]);
    }

    [Fact]
    public async Task Unconfirmed_and_overdue_placements_are_claimed_for_settling_once_per_recheck()
    {
        var agency = NewAgency();
        await Store.ReserveAsync(agency, "L1/A-1", 1, "L1", 10, Now);
        await Store.ReserveAsync(agency, "L1/A-2", 1, "L1", 10, Now.AddHours(1));
        await Store.ReserveAsync(agency, "L1/A-3", 1, "L1", 10, Now);
        await Store.ConfirmAsync(agency, Placement("L1/A-3", 1, asOf: 1, PlacementStats.Zero, expiresAt: Now.AddDays(30)));

        var first = await Store.ClaimOverdueAsync(agency, Now.AddMinutes(1), Now.AddMinutes(2), Now.AddDays(31), Now.AddDays(32), 100);
        Assert.Equal(["L1/A-1", "L1/A-3"], first.Select(c => c.AccountKey).Order(StringComparer.Ordinal));
        Assert.Empty(await Store.ClaimOverdueAsync(agency, Now.AddMinutes(1), Now.AddMinutes(2), Now.AddDays(31), Now.AddDays(32), 100));
        Assert.Equal(["L1/A-1"], (await Store.ClaimOverdueAsync(agency, Now.AddMinutes(3), Now.AddMinutes(4), Now, Now, 100)).Select(c => c.AccountKey));
    }

    /// <summary>
    /// The work list pages from a cursor in time independent of the list's length: a page at the start,
    /// the middle and the end of a long list costs what a page of a short list costs, and walking the
    /// whole list by cursors returns every placement once while others leave it.
    /// </summary>
    [Fact]
    public async Task The_work_list_pages_in_constant_time_however_long_it_is()
    {
        var shortList = NewAgency();
        var longList = NewAgency();
        await FillAsync(shortList, 1_000);
        var fill = Stopwatch.StartNew();
        await FillAsync(longList, LongList);
        output.WriteLine($"{GetType().Name}: {LongList} placements reserved and confirmed in {fill.Elapsed.TotalSeconds:F1} s");

        var (shortPage, longPage) = await PageCostsAsync(shortList, [0, 500], longList, [0, LongList / 2, LongList - 150]);
        output.WriteLine($"{GetType().Name}: a page of 100 costs {shortPage.TotalMilliseconds:F3} ms with 1 000 placements, {longPage.TotalMilliseconds:F3} ms with {LongList}");
        Assert.True(longPage < (shortPage * 4) + TimeSpan.FromMilliseconds(2), $"a page of a long list took {longPage.TotalMilliseconds:F3} ms against {shortPage.TotalMilliseconds:F3} ms");

        // Walk it all while every tenth placement leaves.
        var seen = new List<long>();
        long after = 0;
        var leaving = 0;
        while (true)
        {
            var page = await Store.PageAsync(longList, after, 1000);
            seen.AddRange(page.ItemsJson.Select(long.Parse));
            foreach (var n in Enumerable.Range(0, LongList / 10).Select(i => (long)(i * 10)).Where(n => n > after).Take(100))
            {
                await Store.ReleaseAsync(longList, Key(n), 1, "Returned", Month, null);
                leaving++;
            }

            if (page.Next is not { } next)
            {
                break;
            }

            after = next;
        }

        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.True(seen.Count >= LongList - leaving && seen.Count <= LongList, $"walked {seen.Count} of {LongList} with {leaving} leaving");
    }

    private async Task FillAsync(string agency, int count)
    {
        foreach (var chunk in Enumerable.Range(0, count).Chunk(2000))
        {
            await Task.WhenAll(chunk.Select(async i =>
            {
                await Store.ReserveAsync(agency, Key(i), 1, "L1", count, Now.AddMinutes(1));
                await Store.ConfirmAsync(agency, Placement(Key(i), 1, asOf: 1, PlacementStats.Zero, item: i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }));
        }
    }

    /// <summary>
    /// The median time of a 100-row page read from each cursor position of each list, the two lists in
    /// turn, so that the machine's other load weighs on both alike.
    /// </summary>
    private async Task<(TimeSpan Short, TimeSpan Long)> PageCostsAsync(string shortList, long[] shortPositions, string longList, long[] longPositions)
    {
        var samples = (Short: new List<TimeSpan>(), Long: new List<TimeSpan>());
        for (var round = 0; round < 40; round++)
        {
            foreach (var (agency, positions, into) in new[] { (shortList, shortPositions, samples.Short), (longList, longPositions, samples.Long) })
            {
                foreach (var position in positions)
                {
                    var watch = Stopwatch.StartNew();
                    var page = await Store.PageAsync(agency, position, 100);
                    into.Add(watch.Elapsed);
                    Assert.Equal(100, page.ItemsJson.Count);
                }
            }
        }

        return (Median(samples.Short), Median(samples.Long));
        static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
    }

    private static string NewAgency() => $"AG-{Guid.NewGuid():N}";

    [Fact]
    public async Task What_a_placement_adds_in_a_month_is_that_lenders_statement_for_the_month()
    {
        var agency = NewAgency();
        await Store.ReserveAsync(agency, "L1/A-1", 3, "L1", 5, Now);
        await Store.ConfirmAsync(agency, Placement("L1/A-1", 3, asOf: 3, PlacementStats.Zero));
        var march = PlacementStats.Zero with { Collected = 100.25m, Commission = 18.05m, Complaints = 1 };
        await Store.UpdateAsync(agency, Placement("L1/A-1", 3, asOf: 4, march));
        var april = march with { Collected = 300.25m, Commission = 54.05m, Violations = 2 };
        await Store.ReleaseAsync(agency, "L1/A-1", 3, "Expired", "2026-04", Placement("L1/A-1", 3, asOf: 5, april) with { Month = "2026-04" });

        var first = AgencyStatements.Line("L1", await Store.CountersAsync(agency, PlacementCounters.MonthScope("L1", Month)));
        Assert.Equal(100.25m, first.PaymentsCredited["CNY"]);
        Assert.Equal(18.05m, first.Commission["CNY"]);
        Assert.Equal((1, 0), (first.PlacementsOpened, first.PlacementsEnded));
        var second = AgencyStatements.Line("L1", await Store.CountersAsync(agency, PlacementCounters.MonthScope("L1", "2026-04")));
        Assert.Equal(200m, second.PaymentsCredited["CNY"]);
        Assert.Equal(36m, second.Commission["CNY"]);
        Assert.Equal((0, 1), (second.PlacementsOpened, second.PlacementsEnded));
        Assert.Equal(1, second.EndedBy["Expired"]);

        var lender = AgencyPerformance.From(await Store.CountersAsync(agency, "L1"));
        Assert.Equal((2L, 1L), (lender.Violations, lender.Complaints));
    }

    private static string Key(long i) => $"L1/A-{i:D7}";

    private static StoredPlacement Placement(string key, long id, long asOf, PlacementStats stats, DateTimeOffset? expiresAt = null, string item = "{}") =>
        new(key, id, asOf, key.Split('/')[0], "CNY", 1000m, expiresAt ?? Now.AddDays(30), stats, item, Month);
}

public sealed class InMemoryAgencyPlacementStoreTests(ITestOutputHelper output) : AgencyPlacementStoreContract(output)
{
    protected override IAgencyPlacementStore Store { get; } = new InMemoryAgencyPlacementStore();

    protected override int LongList => 100_000;
}

/// <summary>The same contract on a redis-server of the tests' own (loopback, a free port, no persistence).</summary>
public sealed class RedisAgencyPlacementStoreTests(RedisFixture redis, ITestOutputHelper output) : AgencyPlacementStoreContract(output), IClassFixture<RedisFixture>
{
    protected override IAgencyPlacementStore Store { get; } = new RedisAgencyPlacementStore(redis.Connection, "test");

    protected override int LongList => 100_000;
}

/// <summary>The same contract on Azure Table storage (an Azurite of the tests' own); a shorter long list, as every step is an HTTP request.</summary>
public sealed class AzureAgencyPlacementStoreTests(AzuriteFixture azurite, ITestOutputHelper output) : AgencyPlacementStoreContract(output), IClassFixture<AzuriteFixture>
{
    protected override IAgencyPlacementStore Store { get; } = new AzureAgencyPlacementStore(azurite.Server.Tables(), "test");

    protected override int LongList => 2_000;
}
