using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Collections.Grains.Telemetry;
using Polly.CircuitBreaker;

namespace Collections.Grains.Contacts;

/// <summary>
/// The production gateway: posts each contact as JSON to its lender's webhook, signed
/// (<see cref="WebhookSignature"/>) and with the contact's idempotency key, through an HttpClient whose
/// resilience pipeline retries transient failures (5xx, 408, 429, timeouts, connection errors) with
/// exponential backoff. 2xx: sent. Another 4xx: refused for good. Still failing after the retries: a
/// transient failure, and the contact stays in the account's outbox for the next round. Each receiver
/// has its own circuit breaker (an open one fails the send at once) and a send never takes longer than
/// <see cref="ContactOptions.DispatchTimeout"/> (see <see cref="ContactsServiceCollectionExtensions"/>).
/// </summary>
public sealed partial class WebhookContactGateway(
    IHttpClientFactory clients,
    IOptionsMonitor<ContactOptions> options,
    TimeProvider time,
    CollectionsMetrics metrics,
    ILogger<WebhookContactGateway> logger) : IContactGateway
{
    public const string Name = "webhook";

    /// <summary>The named HttpClient (and its resilience pipeline).</summary>
    public const string HttpClientName = "collections-contact-webhook";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task<ContactDispatchResult> SendAsync(ContactMessage message, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await PostAsync(message, cancellationToken);
        metrics.WebhookDelivery(result.Outcome, Stopwatch.GetElapsedTime(started));
        return result.Result;
    }

    private async Task<(ContactDispatchResult Result, string Outcome)> PostAsync(ContactMessage message, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.Webhooks.TryGetValue(message.LenderId, out var endpoint) || endpoint.Url is null || string.IsNullOrEmpty(endpoint.Secret))
        {
            return (new ContactDispatchResult(false, Name, Error: $"no contact webhook is configured for lender {message.LenderId}", Permanent: true), "unconfigured");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(message, Json);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookSignature.IdempotencyHeader, message.IdempotencyKey);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(endpoint.Secret, timestamp, body));
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            LogAnswered(logger, message.LenderId, message.ContactId, status);
            if (response.IsSuccessStatusCode)
            {
                var reference = response.Headers.TryGetValues("X-Gateway-Reference", out var values) ? values.FirstOrDefault() : null;
                return (new ContactDispatchResult(true, Name, Reference: reference is { Length: <= 128 } ? reference : null, Preview: $"{message.Summary} — posted to the lender's webhook"), "delivered");
            }

            var permanent = status is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);
            return (new ContactDispatchResult(false, Name, Error: $"the webhook answered {status}", Permanent: permanent), permanent ? "refused" : "failed");
        }
        catch (BrokenCircuitException)
        {
            LogCircuitOpen(logger, message.LenderId, message.ContactId);
            return (new ContactDispatchResult(false, Name, Error: "the webhook's circuit is open after repeated failures; not sent"), "circuit_open");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogFailed(logger, message.LenderId, message.ContactId, ex.GetType().Name);
            return (new ContactDispatchResult(false, Name, Error: $"the webhook could not be reached ({ex.GetType().Name})"), "failed");
        }
    }

    [LoggerMessage(EventId = 1601, Level = LogLevel.Debug, Message = "Contact webhook of lender {LenderId} answered {Status} for contact {ContactId}")]
    private static partial void LogAnswered(ILogger logger, string lenderId, long contactId, int status);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Warning, Message = "Contact webhook of lender {LenderId} could not be reached for contact {ContactId} ({Error})")]
    private static partial void LogFailed(ILogger logger, string lenderId, long contactId, string error);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Warning, Message = "Contact webhook of lender {LenderId} has its circuit open; contact {ContactId} stays in the outbox")]
    private static partial void LogCircuitOpen(ILogger logger, string lenderId, long contactId);
}
