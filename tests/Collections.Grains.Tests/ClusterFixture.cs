using Collections.Grains;
using Collections.Grains.Accounts;
using Collections.Grains.Agencies;
using Collections.Grains.Documents;
using Collections.Grains.Index;
using Collections.Grains.Feed;
using Collections.Grains.Portfolio;
using Collections.Grains.Queues;
using Collections.Grains.Storage;
using Collections.Grains.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Reminders;
using Orleans.TestingHost;

namespace Collections.Grains.Tests;

/// <summary>
/// A three-silo in-process cluster on fake time. Reminders and the business clock share one
/// <see cref="FakeTimeProvider"/>; Orleans' own background areas keep real time (replacing the unkeyed
/// provider would hang the silo). The event store is one in-memory instance shared by every silo, as
/// Redis would be.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan RetryPeriod = TimeSpan.FromMinutes(1);

    /// <summary>How long a silo's allocation cache keeps its copy of the agencies (on <see cref="CatalogTime"/>).</summary>
    public static readonly TimeSpan AgencyCatalogTtl = TimeSpan.FromMilliseconds(300);

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// The allocation caches' clock. It moves with <see cref="Time"/> when the fixture advances time, and
    /// alone when a test only needs the caches to see a change.
    /// </summary>
    public FakeTimeProvider CatalogTime { get; } = new();

    public FaultyEventStore Store { get; } = new(new InMemoryAccountEventStore());

    /// <summary>The agencies' placement store, shared by every silo as Redis would be.</summary>
    public InMemoryAgencyPlacementStore AgencyStore { get; } = new();

    public InMemoryPortfolioStore Portfolio { get; } = new();

    /// <summary>The account index every silo files into (one store, as Redis would be).</summary>
    public InMemoryAccountIndex Index { get; } = new();

    /// <summary>The lenders' work queues, shared by every silo as Redis would be.</summary>
    public InMemoryWorkQueueStore WorkQueues { get; } = new();
    /// <summary>The event feeds, shared by every silo as Redis would be.</summary>
    public FaultyFeedStore Feed { get; } = new(new InMemoryEventFeedStore(TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new FeedOptions())));

    /// <summary>The document store (the letters the accounts send), on the file system in a directory of its own, shared by every silo.</summary>
    public FileSystemDocumentStore Documents { get; }

    private readonly string documentsPath = Path.Combine(Path.GetTempPath(), $"collections-cluster-documents-{Guid.NewGuid():N}");

    public ClusterFixture() =>
        Documents = new(Microsoft.Extensions.Options.Options.Create(new DocumentOptions { Path = documentsPath }));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>Grain calls running on any silo right now (reminder ticks included).</summary>
    private int callsInFlight;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GrainStorage.Name);
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, Time);
            silo.Services.AddKeyedSingleton<TimeProvider>(AgencyCatalog.TimeKey, CatalogTime);
            silo.Services.AddSingleton<IAccountEventStore>(Store);
            silo.Services.AddSingleton<IPortfolioStore>(Portfolio);
            silo.Services.AddSingleton<IAccountIndex>(Index);
            silo.Services.AddSingleton<IEventFeedStore>(Feed);
            silo.Services.AddSingleton<IAgencyPlacementStore>(AgencyStore);
            silo.Services.AddSingleton<IWorkQueueStore>(WorkQueues);
            silo.Services.AddSingleton<IDocumentStore>(Documents);
            silo.Services.Configure<AgencyOptions>(o => o.CatalogTtl = AgencyCatalogTtl);
            silo.Services.AddSingleton(new BusinessClock(Time, Time.GetUtcNow(), Time.GetUtcNow(), 1));
            silo.Services.AddCollectionsGrains();
            silo.Services.Configure<WakeOptions>(o => o.RetryPeriod = RetryPeriod);
            silo.AddIncomingGrainCallFilter(async call =>
            {
                Interlocked.Increment(ref callsInFlight);
                try
                {
                    await call.Invoke();
                }
                finally
                {
                    Interlocked.Decrement(ref callsInFlight);
                }
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (Directory.Exists(documentsPath))
        {
            Directory.Delete(documentsPath, recursive: true);
        }
    }

    /// <summary>Business today in UTC.</summary>
    public DateOnly Today => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);

    /// <summary>
    /// Waits for a condition that a reminder tick makes true, nudging fake time by a second per poll:
    /// Orleans delivers a tick that is already due after a short delay on the reminder clock, which
    /// only passes when time moves. <paramref name="onTimeout"/> may describe what is still wrong.
    /// </summary>
    public async Task Eventually(Func<Task<bool>> condition, string because, int timeoutMs = 15_000, Func<Task<string>>? onTimeout = null)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail($"Timed out waiting until {because}. {(onTimeout is null ? string.Empty : await onTimeout())}");
            }

            Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(25);
        }
    }

    /// <summary>
    /// Moves fake time forward in steps no longer than <paramref name="step"/>, letting reminders that
    /// fall due fire and finish before time moves again.
    /// </summary>
    /// <remarks>
    /// Waiting for the silos to go idle, not a fixed pause, matters: a grain registers its reminder with a
    /// due time relative to the clock, and the reminder service adds it to its own reading of the clock.
    /// If time jumps while the call is on its way, the reminder is due that much later than the grain
    /// asked — on a busy machine a day or more when steps are half a day — and a wake due at the end of
    /// the run then fires only after the test has looked.
    /// </remarks>
    public async Task AdvanceAsync(TimeSpan by, TimeSpan? step = null)
    {
        var remaining = by;
        var increment = step ?? TimeSpan.FromHours(6);
        while (remaining > TimeSpan.Zero)
        {
            var delta = remaining < increment ? remaining : increment;
            Advance(delta);
            remaining -= delta;
            await WhenIdleAsync();
        }
    }

    private void Advance(TimeSpan delta)
    {
        Time.Advance(delta);
        CatalogTime.Advance(delta);
    }

    /// <summary>
    /// Waits until no grain call has run for a few consecutive polls (a tick due now is delivered a moment
    /// after time moves), or two seconds at most, so that a call that never ends cannot hang a test.
    /// </summary>
    private async Task WhenIdleAsync()
    {
        var deadline = Environment.TickCount64 + 2_000;
        var idlePolls = 0;
        while (idlePolls < 3 && Environment.TickCount64 < deadline)
        {
            await Task.Delay(10);
            idlePolls = Volatile.Read(ref callsInFlight) == 0 ? idlePolls + 1 : 0;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>An event store that can be told to fail an account's next appends, to show that a failed tick is retried; it counts the appends that landed.</summary>
public sealed class FaultyEventStore(IAccountEventStore inner) : IAccountEventStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> failures = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> appends = new();

    public int Appends(string accountKey) => appends.GetValueOrDefault(accountKey);

    public void FailNextAppends(string accountKey, int count) => failures[accountKey] = count;

    public int FailuresLeft(string accountKey) => failures.GetValueOrDefault(accountKey);

    public Task<StoredSnapshot?> LoadAsync(string accountKey) => inner.LoadAsync(accountKey);

    public async Task<bool> AppendAsync(string accountKey, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, ReadOnlyMemory<byte> snapshotJson)
    {
        if (failures.TryGetValue(accountKey, out var left) && left > 0)
        {
            failures[accountKey] = left - 1;
            throw new IOException("Injected storage failure.");
        }

        var appended = await inner.AppendAsync(accountKey, expectedVersion, events, snapshotJson);
        if (appended)
        {
            appends.AddOrUpdate(accountKey, 1, (_, count) => count + 1);
        }

        return appended;
    }

    public Task<IReadOnlyList<string>> ReadEventsAsync(string accountKey, long afterSeq, int limit) =>
        inner.ReadEventsAsync(accountKey, afterSeq, limit);

    public IAsyncEnumerable<string> ListAccountKeysAsync() => inner.ListAccountKeysAsync();
}
