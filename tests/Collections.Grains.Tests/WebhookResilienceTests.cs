using Collections.Domain;
using Collections.Grains.Contacts;
using Collections.Grains.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Tests;

/// <summary>The webhook gateway's resilience: a circuit per receiver, and a send bounded by the dispatch timeout.</summary>
public sealed class WebhookResilienceTests : IDisposable
{
    private const string Secret = "webhook-secret-for-tests-0123456789";

    private readonly WebhookListener down = new() { Respond = (_, _) => Task.FromResult(500) };
    private readonly WebhookListener up = new();
    private readonly WebhookListener silent = new();
    private readonly TaskCompletionSource<int> never = new();

    public WebhookResilienceTests() => silent.Respond = (_, _) => never.Task;

    public void Dispose()
    {
        never.TrySetResult(200);
        down.Dispose();
        up.Dispose();
        silent.Dispose();
    }

    [Fact]
    public async Task A_receiver_that_keeps_failing_opens_only_its_own_circuit_and_later_sends_to_it_fail_at_once()
    {
        using var services = Gateway(o => o.BreakerMinimumThroughput = 4);
        var gateway = services.GetRequiredService<WebhookContactGateway>();

        // Two sends of two attempts each: four failures out of four opens the circuit.
        await gateway.SendAsync(Message("L-down", 1), CancellationToken.None);
        await gateway.SendAsync(Message("L-down", 2), CancellationToken.None);
        var afterOpening = down.Requests.Count;
        var third = await gateway.SendAsync(Message("L-down", 3), CancellationToken.None);
        var elsewhere = await gateway.SendAsync(Message("L-up", 4), CancellationToken.None);

        Assert.Equal(4, afterOpening);
        Assert.False(third.Sent);
        Assert.False(third.Permanent);
        Assert.Contains("circuit is open", third.Error, StringComparison.Ordinal);
        Assert.Equal(afterOpening, down.Requests.Count);
        Assert.True(elsewhere.Sent);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_is_given_up_at_the_dispatch_timeout_and_the_contact_stays_for_the_next_round()
    {
        using var services = Gateway(o => (o.AttemptTimeout, o.DispatchTimeout) = (TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(300)));
        var gateway = services.GetRequiredService<WebhookContactGateway>();

        var result = await gateway.SendAsync(Message("L-silent", 1), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(result.Sent);
        Assert.False(result.Permanent);
        Assert.Contains("TimeoutRejectedException", result.Error, StringComparison.Ordinal);
        Assert.Single(silent.Requests);
    }

    [Fact]
    public void A_dispatch_timeout_not_shorter_than_the_orleans_response_timeout_stops_the_silo_with_a_message_saying_so()
    {
        using var services = Gateway(o => o.DispatchTimeout = TimeSpan.FromSeconds(30));

        var invalid = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ContactOptions>>().Value);

        Assert.Contains("DispatchTimeout (00:00:30) must be shorter than Orleans' response timeout (00:00:30)", invalid.Message, StringComparison.Ordinal);
    }

    private ServiceProvider Gateway(Action<ContactOptions> configure)
    {
        var services = new ServiceCollection().AddLogging().AddMetrics();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<CollectionsMetrics>();
        services.AddCollectionsContacts();
        services.Configure<ContactOptions>(o =>
        {
            o.Gateway = ContactGatewayKind.Webhook;
            o.Webhooks["L-down"] = new WebhookEndpoint { Url = down.Url, Secret = Secret };
            o.Webhooks["L-up"] = new WebhookEndpoint { Url = up.Url, Secret = Secret };
            o.Webhooks["L-silent"] = new WebhookEndpoint { Url = silent.Url, Secret = Secret };
            o.MaxRetries = 1;
            o.RetryDelay = TimeSpan.FromMilliseconds(1);
            configure(o);
        });
        return services.BuildServiceProvider();
    }

    private static ContactMessage Message(string lender, long id) => new(
        id, $"{lender}/A-{id}/{id}", lender, $"A-{id}", ContactChannel.Sms, Stage.Early, "early-sms", DateTimeOffset.UnixEpoch,
        new ContactRecipient("Test Borrower", "+8613800138000", null, "UTC", null),
        new ContactAmounts("CNY", 100m, 100m, new DateOnly(2026, 1, 1), 10, 90m, 10m, 0m, 0m),
        $"/api/v1/lenders/{lender}/accounts/A-{id}/contacts/{id}/results", null, null, "Early SMS, CNY 100.00 owed");
}
