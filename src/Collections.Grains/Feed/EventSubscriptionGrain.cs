using System.Collections.Immutable;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Collections.Contracts;
using Collections.Grains.Contacts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Collections.Grains.Feed;

[GenerateSerializer, Alias("collections.EventSubscriptionState")]
public sealed class EventSubscriptionState
{
    [Id(0)] public WebhookSubscription? Subscription { get; set; }

    [Id(1)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The feed cursor delivered through: the next delivery is the entry after it.</summary>
    [Id(2)] public string? Cursor { get; set; }

    /// <summary>The most recent deliveries, oldest first, at most <see cref="FeedOptions.DeliveriesKept"/>.</summary>
    [Id(3)] public List<DeliveryView> Deliveries { get; set; } = [];

    /// <summary>Failed attempts in a row: the backoff's exponent.</summary>
    [Id(4)] public int Failures { get; set; }

    [Id(5)] public DateTimeOffset? RetryAt { get; set; }
}

/// <summary>
/// A subscriber's deliverer (one activation in the cluster, so one deliverer per subscriber). While
/// subscribed, a grain timer reads the feed from the stored cursor and posts each event in feed order —
/// which is commit order per account — signed like the contact webhooks (<see cref="WebhookSignature"/>),
/// with the event's id as <c>Idempotency-Key</c>. A failure stops the round (so nothing overtakes it) and the
/// next attempt waits <see cref="FeedOptions.RetryDelay"/>, doubling; a circuit breaker per subscriber stops
/// calling an endpoint that keeps failing. A reminder brings the deliverer back after its silo is lost.
/// The cursor moves only after a 2xx, and is stored once per round: at least once, never skipped.
/// </summary>
public sealed partial class EventSubscriptionGrain(
    [PersistentState("subscription", GrainStorage.Name)] IPersistentState<EventSubscriptionState> stored,
    IEventFeedStore feed,
    IHttpClientFactory clients,
    IOptions<FeedOptions> options,
    TimeProvider time,
    ILogger<EventSubscriptionGrain> logger) : Grain, IEventSubscriptionGrain, IRemindable
{
    /// <summary>The named HttpClient: its handler refuses private addresses outside Development.</summary>
    public const string HttpClientName = "collections-event-webhook";

    private const string Reminder = "deliver";
    private const int BatchSize = 100;

    /// <summary>Pages one round delivers at most before it lets the next tick go on.</summary>
    private const int PagesPerRound = 10;

    private IGrainTimer? timer;
    private ResiliencePipeline? breaker;

    private EventSubscriptionState State => stored.State;

    private string FeedName => this.GetPrimaryKeyString();

    private bool PrivateNetworksAllowed => options.Value.AllowPrivateNetworks ?? false;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Subscription is not null)
        {
            StartTimer();
        }

        return Task.CompletedTask;
    }

    public async Task<WebhookPutResult> PutAsync(WebhookSubscription subscription)
    {
        if (await WebhookTargets.RefusalAsync(new Uri(subscription.Url), PrivateNetworksAllowed, CancellationToken.None) is { } refusal)
        {
            return new WebhookPutResult(null, refusal);
        }

        if (State.Subscription is null)
        {
            // A new subscriber starts with the events that come after it subscribed.
            State.Cursor = await feed.EndAsync(FeedName);
        }

        State.Subscription = subscription;
        State.UpdatedAt = time.GetUtcNow();
        (State.Failures, State.RetryAt) = (0, null);
        await stored.WriteStateAsync();
        breaker = null;
        await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        StartTimer();
        return new WebhookPutResult(View());
    }

    public Task<WebhookView?> GetAsync() => Task.FromResult(State.Subscription is null ? null : View());

    public Task<ImmutableArray<DeliveryView>> GetDeliveriesAsync(DeliveryStatus? status) =>
        Task.FromResult<ImmutableArray<DeliveryView>>([
            .. Enumerable.Reverse(State.Deliveries)
                .Where(d => status is null || d.Status == status),
        ]);

    /// <summary>The reminder only keeps a deliverer alive (or brings it back): the timer delivers.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    private WebhookView View() => new(State.Subscription!.Url, State.Subscription.Events, State.UpdatedAt);

    private void StartTimer()
    {
        if (timer is not null)
        {
            return;
        }

        var interval = options.Value.PollInterval;
        timer = this.RegisterGrainTimer(_ => DeliverAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, interval) { KeepAlive = true });
    }

    /// <summary>One round: the feed's new entries, in order, until the first failure.</summary>
    private async Task DeliverAsync()
    {
        if (State.Subscription is not { } subscription || (State.RetryAt is { } retryAt && time.GetUtcNow() < retryAt))
        {
            return;
        }

        var changed = false;
        try
        {
            var more = true;
            for (var pages = 0; more && pages < PagesPerRound; pages++)
            {
                var page = await feed.ReadAsync(FeedName, State.Cursor, BatchSize);
                more = page.Count == BatchSize;
                foreach (var entry in page)
                {
                    var (id, type, accountRef) = Describe(entry.Json);
                    if (!subscription.Events.IsDefaultOrEmpty && !subscription.Events.Contains(type, StringComparer.Ordinal))
                    {
                        (State.Cursor, changed) = (entry.Cursor, true);
                        continue;
                    }

                    var (delivered, status, error) = await PostAsync(subscription, id, entry.Json);
                    if (status is null && error is null)
                    {
                        // The circuit is open: nothing was attempted.
                        return;
                    }

                    Record(id, type, accountRef, delivered, status, error);
                    changed = true;
                    if (!delivered)
                    {
                        State.Failures++;
                        var delay = options.Value.RetryDelay * Math.Pow(2, Math.Min(State.Failures - 1, 20));
                        State.RetryAt = time.GetUtcNow() + (delay < options.Value.MaxRetryDelay ? delay : options.Value.MaxRetryDelay);
                        LogFailed(logger, FeedName, id, status ?? 0, State.Failures);
                        return;
                    }

                    (State.Cursor, State.Failures, State.RetryAt) = (entry.Cursor, 0, null);
                }
            }
        }
        finally
        {
            if (changed)
            {
                await stored.WriteStateAsync();
            }
        }
    }

    /// <summary>Posts one event; (false, null, null) when the circuit is open and nothing was sent.</summary>
    private async Task<(bool Delivered, int? Status, string? Error)> PostAsync(WebhookSubscription subscription, string id, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        try
        {
            return await Breaker.ExecuteAsync(
                async cancellationToken =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    request.Headers.Add(WebhookSignature.IdempotencyHeader, id);
                    request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
                    request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(subscription.Secret, timestamp, body));
                    using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
                    var status = (int)response.StatusCode;
                    return response.IsSuccessStatusCode ? (true, status, (string?)null)
                        : throw new WebhookAnswerException(status);
                },
                CancellationToken.None);
        }
        catch (BrokenCircuitException)
        {
            return (false, null, null);
        }
        catch (WebhookAnswerException answer)
        {
            return (false, answer.Status, $"the webhook answered {answer.Status}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or OperationCanceledException)
        {
            return (false, null, $"the webhook could not be reached ({ex.GetType().Name})");
        }
    }

    /// <summary>
    /// This subscriber's circuit: open once <see cref="FeedOptions.BreakerFailures"/> calls failed with no
    /// success among them, within a window long enough to see that many backoff-spaced attempts; each call
    /// has its timeout.
    /// </summary>
    private ResiliencePipeline Breaker => breaker ??= new ResiliencePipelineBuilder { TimeProvider = time }
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = 1.0,
            MinimumThroughput = options.Value.BreakerFailures,
            SamplingDuration = TimeSpan.FromTicks(Math.Clamp((options.Value.MaxRetryDelay * (options.Value.BreakerFailures + 1)).Ticks, TimeSpan.TicksPerSecond, TimeSpan.TicksPerDay)),
            BreakDuration = options.Value.BreakDuration,
            ShouldHandle = new PredicateBuilder().Handle<WebhookAnswerException>().Handle<HttpRequestException>().Handle<Polly.Timeout.TimeoutRejectedException>(),
        })
        .AddTimeout(options.Value.AttemptTimeout)
        .Build();

    private void Record(string id, string type, string accountRef, bool delivered, int? status, string? error)
    {
        var now = time.GetUtcNow();
        var outcome = delivered ? DeliveryStatus.Delivered : DeliveryStatus.Failed;
        var deliveries = State.Deliveries;
        if (deliveries.Count > 0 && deliveries[^1].Id == id)
        {
            var last = deliveries[^1];
            deliveries[^1] = last with { Status = outcome, Attempts = last.Attempts + 1, LastAttemptAt = now, LastStatusCode = status, LastError = error };
            return;
        }

        deliveries.Add(new DeliveryView(id, type, accountRef, outcome, 1, now, now, status, error));
        if (deliveries.Count > options.Value.DeliveriesKept)
        {
            deliveries.RemoveRange(0, deliveries.Count - options.Value.DeliveriesKept);
        }
    }

    private static (string Id, string Type, string AccountRef) Describe(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return (root.GetProperty("id").GetString()!, root.GetProperty("type").GetString()!, root.GetProperty("accountRef").GetString()!);
    }

    private sealed class WebhookAnswerException(int status) : Exception($"The webhook answered {status}.")
    {
        public int Status { get; } = status;
    }

    [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "Webhook of {Subscriber} failed event {EventId} (status {Status}); {Failures} failure(s) in a row, retrying with backoff")]
    private static partial void LogFailed(ILogger logger, string subscriber, string eventId, int status, int failures);
}
