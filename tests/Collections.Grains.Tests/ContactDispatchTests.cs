using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Strategies;
using Collections.Grains.Contacts;
using Collections.Grains.Portal;
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
/// A lender's contact webhook on loopback: records every request it receives and answers as each test
/// tells it — a status code, or nothing until released (a send in flight).
/// </summary>
public sealed class WebhookListener : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;

    public WebhookListener()
    {
        Port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/contacts");

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Decides each answer from the request and how many requests with its key came before it.</summary>
    public Func<Received, int, Task<int>> Respond { get; set; } = (_, _) => Task.FromResult(200);

    public sealed record Received(string? IdempotencyKey, string? Timestamp, string? Signature, byte[] Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    public void Dispose()
    {
        listener.Close();
        _ = loop;
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var received = new Received(
                    context.Request.Headers[WebhookSignature.IdempotencyHeader],
                    context.Request.Headers[WebhookSignature.TimestampHeader],
                    context.Request.Headers[WebhookSignature.SignatureHeader],
                    body.ToArray());
                var before = Requests.Count(r => r.IdempotencyKey == received.IdempotencyKey);
                Requests.Enqueue(received);
                try
                {
                    context.Response.StatusCode = await Respond(received, before);
                    context.Response.Close();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    // The sender went away (its silo was stopped).
                }
            });
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

/// <summary>
/// A three-silo cluster whose contacts go to <see cref="Lender"/>'s webhook on loopback, with a strategy of
/// one SMS on entering Early; accounts in Shanghai, business time 11:00 there (inside the window).
/// <see cref="PortalLender"/>'s SMS carries a link to the debtor's page, on <see cref="PortalUrl"/>.
/// </summary>
public sealed class WebhookClusterFixture : IAsyncLifetime
{
    public const string Lender = "L-hook";
    public const string PortalLender = "L-hook-portal";
    public static readonly Uri PortalUrl = new("https://pay.example.test");
    public const string Secret = "webhook-secret-for-tests-0123456789";

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 3, 0, 0, TimeSpan.Zero));

    public InMemoryAccountEventStore Store { get; } = new();

    public ProcessMemoryGrainStorage SharedStorage { get; } = new();

    public WebhookListener Webhook { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) =>
        {
            // A silo is killed in these tests: the lender's strategy must outlive it, as it would in Redis.
            silo.Services.AddKeyedSingleton<Orleans.Storage.IGrainStorage>(Collections.Grains.GrainStorage.Name, SharedStorage);
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, Time);
            silo.Services.AddSingleton<IAccountEventStore>(Store);
            silo.Services.AddSingleton(new BusinessClock(Time, Time.GetUtcNow(), Time.GetUtcNow(), 1));
            silo.Services.AddCollectionsGrains();
            silo.Services.AddSingleton<IPortalAddress>(new ConfiguredPortalAddress(PortalUrl));
            silo.Services.Configure<ContactOptions>(o =>
            {
                o.Gateway = ContactGatewayKind.Webhook;
                o.Webhooks[Lender] = new WebhookEndpoint { Url = Webhook.Url, Secret = Secret };
                o.Webhooks[PortalLender] = new WebhookEndpoint { Url = new Uri(Webhook.Url, "/portal-contacts"), Secret = Secret }; // a circuit of its own
                o.RetryDelay = TimeSpan.FromMilliseconds(20);
                o.AttemptTimeout = TimeSpan.FromSeconds(30);
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        var strategy = StrategyDocument.Parse("""{"contactPlan":[{"stage":"Early","channel":"Sms","dayOffsets":[0]}]}""");
        await Cluster.Client.GetGrain<ILenderGrain>(Lender).PutStrategyAsync(strategy.NormalizedJson!);
        var withLinks = StrategyDocument.Parse("""{"contactPlan":[{"stage":"Early","channel":"Sms","dayOffsets":[0],"portalLink":true}],"portal":{"linkDays":7}}""");
        await Cluster.Client.GetGrain<ILenderGrain>(PortalLender).PutStrategyAsync(withLinks.NormalizedJson!);
    }

    /// <summary>The page's public address, as a host's <c>Collections:Portal:PublicUrl</c> gives it.</summary>
    private sealed record ConfiguredPortalAddress(Uri? PublicUrl) : IPortalAddress;

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Webhook.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class WebhookClusterCollection : ICollectionFixture<WebhookClusterFixture>
{
    public const string Name = "webhook-cluster";
}

/// <summary>Engine-planned contacts dispatched to a real HTTP listener through the webhook gateway and its outbox.</summary>
[Collection(WebhookClusterCollection.Name)]
public sealed class ContactDispatchTests(WebhookClusterFixture fixture)
{
    private IClusterClient Client => fixture.Cluster.Client;

    private static string NewRef() => $"A-{Guid.NewGuid():N}";

    private IAccountGrain Account(string accountRef) => Client.GetGrain<IAccountGrain>(AccountKey.For(WebhookClusterFixture.Lender, accountRef));

    private Task<UpsertOutcome> OpenEarlyAsync(string accountRef)
    {
        var today = DateOnly.FromDateTime(fixture.Time.GetUtcNow().UtcDateTime);
        var record = Accounts.Record(accountRef, today.AddDays(-5));
        return Account(accountRef).UpsertAsync(record with { Debtor = record.Debtor with { TimeZone = "Asia/Shanghai" } }, "lender:L-hook");
    }

    private List<WebhookListener.Received> RequestsFor(string accountRef) =>
        [.. fixture.Webhook.Requests.Where(r => r.IdempotencyKey?.StartsWith($"{WebhookClusterFixture.Lender}/{accountRef}/", StringComparison.Ordinal) == true)];

    /// <summary>The account's events of a type, read from the shared store (the account may be busy sending).</summary>
    private async Task<List<JsonElement>> EventsAsync(string accountRef, string type) =>
        [.. (await fixture.Store.ReadEventsAsync(AccountKey.For(WebhookClusterFixture.Lender, accountRef), 0, 500)).Select(i => JsonDocument.Parse(i).RootElement).Where(e => e.GetProperty("type").GetString() == type)];

    private static async Task Eventually(Func<Task<bool>> condition, string because, int timeoutMs = 20_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            Assert.True(Environment.TickCount64 < deadline, $"Timed out waiting until {because}.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task The_webhook_receives_a_signed_json_contact_with_its_idempotency_key_and_the_send_is_recorded()
    {
        var accountRef = NewRef();
        await OpenEarlyAsync(accountRef);

        var request = Assert.Single(RequestsFor(accountRef));
        Assert.True(WebhookSignature.Verify(WebhookClusterFixture.Secret, request.Timestamp, request.Signature, request.Body));
        Assert.False(WebhookSignature.Verify("another-secret-0123456789", request.Timestamp, request.Signature, request.Body));
        var tampered = request.Body.ToArray();
        tampered[^2] ^= 1;
        Assert.False(WebhookSignature.Verify(WebhookClusterFixture.Secret, request.Timestamp, request.Signature, tampered));

        var body = request.Json;
        Assert.Equal(request.IdempotencyKey, body.GetProperty("idempotencyKey").GetString());
        Assert.Equal(("Sms", "Early", accountRef), (body.GetProperty("channel").GetString(), body.GetProperty("stage").GetString(), body.GetProperty("accountRef").GetString()));
        Assert.Equal("+8613800138000", body.GetProperty("debtor").GetProperty("phone").GetString());

        var sent = Assert.Single(await EventsAsync(accountRef, "ContactSent")).GetProperty("data");
        Assert.Equal(("webhook", body.GetProperty("contactId").GetInt64()), (sent.GetProperty("gateway").GetString(), sent.GetProperty("contactId").GetInt64()));
        Assert.Empty(await EventsAsync(accountRef, "ContactDispatchFailed"));
    }

    [Fact]
    public async Task The_webhook_contact_carries_the_itemised_amounts_what_happens_next_and_the_template_and_its_summary_is_the_preview()
    {
        var accountRef = NewRef();
        await OpenEarlyAsync(accountRef);

        var body = Assert.Single(RequestsFor(accountRef)).Json;
        var amounts = body.GetProperty("amounts");
        var items = amounts.GetProperty("principal").GetDecimal() + amounts.GetProperty("interest").GetDecimal()
            + amounts.GetProperty("fees").GetDecimal() + amounts.GetProperty("penalty").GetDecimal();
        Assert.Equal(amounts.GetProperty("total").GetDecimal(), items);
        Assert.Equal(("Early.Sms", "Mid"), (body.GetProperty("template").GetString(), body.GetProperty("next").GetProperty("stage").GetString()));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("debtor").GetProperty("address").ValueKind);

        var summary = body.GetProperty("summary").GetString()!;
        Assert.StartsWith("Early.Sms: ", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("+86", summary, StringComparison.Ordinal);
        var sent = Assert.Single(await EventsAsync(accountRef, "ContactSent")).GetProperty("data");
        Assert.StartsWith(summary, sent.GetProperty("preview").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_500_is_retried_with_the_same_key_and_signature_until_the_webhook_accepts_it()
    {
        var accountRef = NewRef();
        fixture.Webhook.Respond = (r, before) => Task.FromResult(r.IdempotencyKey!.Contains(accountRef, StringComparison.Ordinal) && before < 2 ? 500 : 200);
        try
        {
            await OpenEarlyAsync(accountRef);
        }
        finally
        {
            fixture.Webhook.Respond = (_, _) => Task.FromResult(200);
        }

        var requests = RequestsFor(accountRef);
        Assert.Equal(3, requests.Count);
        Assert.Single(requests.Select(r => r.IdempotencyKey).Distinct());
        Assert.All(requests, r => Assert.True(WebhookSignature.Verify(WebhookClusterFixture.Secret, r.Timestamp, r.Signature, r.Body)));
        Assert.Single(await EventsAsync(accountRef, "ContactSent"));
    }

    [Fact]
    public async Task A_silo_stopped_mid_send_loses_nothing_and_the_contact_is_resent_with_the_same_key_and_recorded_once()
    {
        // The first send of each account is held (in flight) until its silo is gone; a send on the primary
        // silo (which the test cluster cannot lose) is let through and another account tried.
        var held = new ConcurrentDictionary<string, TaskCompletionSource<int>>();
        fixture.Webhook.Respond = (r, before) => before == 0 && r.IdempotencyKey is { } key
            ? held.GetOrAdd(key, _ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).Task
            : Task.FromResult(200);
        var management = Client.GetGrain<IManagementGrain>(0);
        try
        {
            for (var attempt = 0; attempt < 10; attempt++)
            {
                var accountRef = NewRef();
                var upsert = OpenEarlyAsync(accountRef);
                await Eventually(() => Task.FromResult(RequestsFor(accountRef).Count == 1), "the first send is in flight");
                var key = RequestsFor(accountRef)[0].IdempotencyKey!;

                var host = await management.GetActivationAddress(Account(accountRef));
                var silo = fixture.Cluster.Silos.FirstOrDefault(s => s.SiloAddress.Equals(host));
                if (silo is null || silo == fixture.Cluster.Silos[0])
                {
                    held[key].SetResult(200);
                    await upsert;
                    continue;
                }

                // The request was made and its outcome never recorded: the outbox holds it.
                Assert.Single(await EventsAsync(accountRef, "ContactDispatchRequested"));
                Assert.Empty(await EventsAsync(accountRef, "ContactSent"));
                await fixture.Cluster.KillSiloAsync(silo);
                await Assert.ThrowsAnyAsync<Exception>(() => upsert);

                // Any call activates the account elsewhere; the activation sends what its outbox holds.
                Assert.NotNull(await Account(accountRef).GetViewAsync());
                await Eventually(async () => (await EventsAsync(accountRef, "ContactSent")).Count == 1, "the re-sent contact is recorded as sent");

                var requests = RequestsFor(accountRef);
                Assert.True(requests.Count >= 2, "the contact was sent again after the silo was lost");
                Assert.All(requests, r => Assert.Equal(key, r.IdempotencyKey));
                Assert.Single(await EventsAsync(accountRef, "ContactDispatchRequested"));
                Assert.Single(await EventsAsync(accountRef, "ContactSent"));
                held[key].TrySetResult(200);
                return;
            }

            Assert.Fail("No account was activated outside the primary silo in 10 tries.");
        }
        finally
        {
            fixture.Webhook.Respond = (_, _) => Task.FromResult(200);
            foreach (var pending in held.Values)
            {
                pending.TrySetResult(200);
            }
        }
    }
}
