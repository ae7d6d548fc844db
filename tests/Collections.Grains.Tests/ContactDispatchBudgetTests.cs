using System.Text.Json;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Strategies;
using Collections.Grains.Contacts;
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
/// A receiver that hangs must not hold the account: the sends of one turn share one dispatch timeout,
/// however many contacts are due, and what it did not reach goes out in later turns of their own.
/// </summary>
public sealed class ContactDispatchBudgetTests : IAsyncLifetime
{
    private const string Lender = "L-budget";
    private static readonly TimeSpan DispatchTimeout = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 2, 3, 0, 0, TimeSpan.Zero));
    private readonly InMemoryAccountEventStore store = new();
    private WebhookListener Webhook { get; } = new();
    private InProcessTestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(Collections.Grains.GrainStorage.Name);
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, time);
            silo.Services.AddSingleton<IAccountEventStore>(store);
            silo.Services.AddSingleton(new BusinessClock(time, time.GetUtcNow(), time.GetUtcNow(), 1));
            silo.Services.AddCollectionsGrains();
            silo.Services.Configure<ContactOptions>(o =>
            {
                o.Gateway = ContactGatewayKind.Webhook;
                o.Webhooks[Lender] = new WebhookEndpoint { Url = Webhook.Url, Secret = WebhookClusterFixture.Secret };
                o.DispatchTimeout = DispatchTimeout;
                o.AttemptTimeout = TimeSpan.FromSeconds(30);
            });
        });
        cluster = builder.Build();
        await cluster.DeployAsync();

        // Two contacts fall due in the same turn: an SMS and an email on entering Early.
        var strategy = StrategyDocument.Parse("""{"contactPlan":[{"stage":"Early","channel":"Sms","dayOffsets":[0]},{"stage":"Early","channel":"Email","dayOffsets":[0]}]}""");
        await cluster.Client.GetGrain<ILenderGrain>(Lender).PutStrategyAsync(strategy.NormalizedJson!);
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        Webhook.Dispose();
    }

    [Fact]
    public async Task A_hanging_receiver_costs_a_turn_one_dispatch_timeout_and_the_rest_of_the_outbox_goes_out_later()
    {
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Webhook.Respond = (_, _) => release.Task;
        var accountRef = $"A-{Guid.NewGuid():N}";
        var account = cluster.Client.GetGrain<IAccountGrain>(AccountKey.For(Lender, accountRef));
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var record = Accounts.Record(accountRef, today.AddDays(-5));

        await account.UpsertAsync(record with { Debtor = record.Debtor with { TimeZone = "Asia/Shanghai" } }, $"lender:{Lender}");

        // The turn that planned both contacts spent its budget on the first and returned; the second was not tried in it.
        var keysWhenTheCallReturned = Webhook.Requests.Select(r => r.IdempotencyKey).Distinct().ToList();
        Assert.Single(keysWhenTheCallReturned);
        Assert.Equal(2, (await EventsAsync(accountRef, "ContactDispatchRequested")).Count);

        release.SetResult(200);
        Webhook.Respond = (_, _) => Task.FromResult(200);
        var deadline = Environment.TickCount64 + 20_000;
        while ((await EventsAsync(accountRef, "ContactSent")).Count < 2)
        {
            Assert.True(Environment.TickCount64 < deadline, "Timed out waiting until both contacts are recorded as sent.");
            await Task.Delay(50);
        }

        Assert.Equal(2, Webhook.Requests.Select(r => r.IdempotencyKey).Distinct().Count());
    }

    private async Task<List<JsonElement>> EventsAsync(string accountRef, string type) =>
        [.. (await store.ReadEventsAsync(AccountKey.For(Lender, accountRef), 0, 500)).Select(i => JsonDocument.Parse(i).RootElement).Where(e => e.GetProperty("type").GetString() == type)];
}
