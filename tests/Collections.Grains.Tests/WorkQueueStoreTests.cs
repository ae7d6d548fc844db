using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Queues;
using Collections.Grains.Queues;
using Collections.Testing;

namespace Collections.Grains.Tests;

/// <summary>What every work queue store must do, in memory, on a real Redis and on Azure Table storage (Azurite).</summary>
public abstract class WorkQueueStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    protected abstract IWorkQueueStore Store { get; }

    [Fact]
    public async Task Candidates_come_highest_priority_first_across_stages_and_only_once_callable()
    {
        var lender = NewLender();
        await Store.SetAsync(lender, "low", Entry("low", Stage.Early, "1980"));
        await Store.SetAsync(lender, "high", Entry("high", Stage.Mid, "0990"));
        await Store.SetAsync(lender, "middle", Entry("middle", Stage.Early, "1500"));
        await Store.SetAsync(lender, "later", Entry("later", Stage.Early, "0000", callableAt: Now.AddHours(1)));
        await Store.SetAsync(lender, "notice", Entry("notice", Stage.Notice, "0000"));

        var now = await Store.CandidatesAsync(lender, [Stage.Early, Stage.Mid], [], Now, 10);
        Assert.Equal(["high", "middle", "low"], now.Select(e => e.AccountRef));
        Assert.Equal(["high", "middle"], (await Store.CandidatesAsync(lender, [Stage.Early, Stage.Mid], [], Now, 2)).Select(e => e.AccountRef));

        var inAnHour = await Store.CandidatesAsync(lender, [Stage.Early], [], Now.AddHours(1), 10);
        Assert.Equal(["later", "middle", "low"], inAnHour.Select(e => e.AccountRef));
        Assert.Equal(Now.AddHours(1), inAnHour[0].CallableAt);
    }

    [Fact]
    public async Task A_team_with_segments_sees_only_their_accounts()
    {
        var lender = NewLender();
        await Store.SetAsync(lender, "small", Entry("small", Stage.Early, "1000", segment: "small-balance"));
        await Store.SetAsync(lender, "none", Entry("none", Stage.Early, "0500"));

        Assert.Equal(["small"], (await Store.CandidatesAsync(lender, [Stage.Early], ["small-balance"], Now, 10)).Select(e => e.AccountRef));
        Assert.Equal(["none", "small"], (await Store.CandidatesAsync(lender, [Stage.Early], [], Now, 10)).Select(e => e.AccountRef));
        Assert.Equal(1, (await Store.CountAsync(lender, "T1", [Stage.Early], ["small-balance"], Now)).Queued);
    }

    [Fact]
    public async Task Of_eight_concurrent_leases_on_one_account_exactly_one_is_taken()
    {
        var lender = NewLender();
        await Store.SetAsync(lender, "A-1", Entry("A-1", Stage.Early, "1000"));

        var taken = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => Store.TryLeaseAsync(lender, "A-1", new WorkLease($"collector-{i}", "T1", Now.AddMinutes(15)), Now))));

        Assert.Single(taken, t => t);
        Assert.Empty(await Store.CandidatesAsync(lender, [Stage.Early], [], Now, 10));
        Assert.False(await Store.TryLeaseAsync(lender, "no-entry", new WorkLease("c", "T1", Now.AddMinutes(15)), Now));
    }

    [Fact]
    public async Task A_lease_ends_on_release_by_its_holder_or_at_its_expiry()
    {
        var lender = NewLender();
        await Store.SetAsync(lender, "A-1", Entry("A-1", Stage.Early, "1000"));
        Assert.True(await Store.TryLeaseAsync(lender, "A-1", new WorkLease("ann", "T1", Now.AddMinutes(15)), Now));

        Assert.Equal(LeaseRelease.HeldByAnother, await Store.ReleaseAsync(lender, "A-1", "bob", Now));
        Assert.Equal(new TeamQueueCounts(1, 1), await Store.CountAsync(lender, "T1", [Stage.Early], [], Now));
        Assert.Equal(LeaseRelease.Released, await Store.ReleaseAsync(lender, "A-1", "ann", Now));
        Assert.Equal(LeaseRelease.NotLeased, await Store.ReleaseAsync(lender, "A-1", "ann", Now));

        Assert.True(await Store.TryLeaseAsync(lender, "A-1", new WorkLease("bob", "T1", Now.AddMinutes(15)), Now));
        Assert.False(await Store.TryLeaseAsync(lender, "A-1", new WorkLease("ann", "T1", Now.AddMinutes(30)), Now.AddMinutes(14)));
        Assert.True(await Store.TryLeaseAsync(lender, "A-1", new WorkLease("ann", "T2", Now.AddMinutes(30)), Now.AddMinutes(15)));
        Assert.Equal(0, (await Store.CountAsync(lender, "T1", [Stage.Early], [], Now.AddMinutes(15))).Leased);
        Assert.Equal(1, (await Store.CountAsync(lender, "T2", [Stage.Early], [], Now.AddMinutes(15))).Leased);
        Assert.Equal(LeaseRelease.Released, await Store.ReleaseAsync(lender, "A-1", null, Now.AddMinutes(16)));
    }

    [Fact]
    public async Task An_update_in_its_stage_keeps_the_lease_leaving_the_stage_or_the_queue_ends_it()
    {
        var lender = NewLender();
        await Store.SetAsync(lender, "A-1", Entry("A-1", Stage.Early, "1000"));
        Assert.True(await Store.TryLeaseAsync(lender, "A-1", new WorkLease("ann", "T1", Now.AddMinutes(15)), Now));

        await Store.SetAsync(lender, "A-1", Entry("A-1", Stage.Early, "0900", callableAt: Now.AddDays(1)));
        Assert.Equal(new TeamQueueCounts(1, 1), await Store.CountAsync(lender, "T1", [Stage.Early], [], Now));

        await Store.SetAsync(lender, "A-1", Entry("A-1", Stage.Mid, "0900"));
        Assert.Equal(new TeamQueueCounts(0, 0), await Store.CountAsync(lender, "T1", [Stage.Early], [], Now));
        Assert.Equal(["A-1"], (await Store.CandidatesAsync(lender, [Stage.Mid], [], Now, 10)).Select(e => e.AccountRef));

        Assert.True(await Store.TryLeaseAsync(lender, "A-1", new WorkLease("bob", "T2", Now.AddMinutes(15)), Now));
        await Store.SetAsync(lender, "A-1", null);
        Assert.Equal(new TeamQueueCounts(0, 0), await Store.CountAsync(lender, "T2", [Stage.Mid], [], Now));
        Assert.Empty(await Store.CandidatesAsync(lender, [Stage.Mid], [], Now, 10));
        Assert.False(await Store.TryLeaseAsync(lender, "A-1", new WorkLease("bob", "T2", Now.AddMinutes(15)), Now));
    }

    private static string NewLender() => $"L-{Guid.NewGuid():N}";

    private static WorkQueueEntry Entry(string accountRef, Stage stage, string priority, DateTimeOffset? callableAt = null, string? segment = null) =>
        new(accountRef, stage, segment, priority, callableAt, $"priority {priority}");
}

public sealed class InMemoryWorkQueueStoreTests : WorkQueueStoreContract
{
    protected override IWorkQueueStore Store { get; } = new InMemoryWorkQueueStore();
}

public sealed class RedisWorkQueueStoreTests(RedisFixture redis) : WorkQueueStoreContract, IClassFixture<RedisFixture>
{
    protected override IWorkQueueStore Store { get; } = new RedisWorkQueueStore(redis.Connection, "test");
}

public sealed class AzureWorkQueueStoreTests(AzuriteFixture azurite) : WorkQueueStoreContract, IClassFixture<AzuriteFixture>
{
    protected override IWorkQueueStore Store { get; } = new AzureWorkQueueStore(azurite.Server.Tables(), "test");
}
