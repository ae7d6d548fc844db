using System.ComponentModel.DataAnnotations;

namespace Collections.Grains.Contacts;

/// <summary>Which channel gateway sends the contacts the engine plans.</summary>
public enum ContactGatewayKind
{
    /// <summary>The embedded default: nothing leaves the process; what would be sent is recorded in the account's events.</summary>
    Simulated,

    /// <summary>An HTTPS webhook per lender (<see cref="ContactOptions.Webhooks"/>).</summary>
    Webhook,
}

/// <summary>What the simulated gateway reports back.</summary>
public enum SimulatedResults
{
    /// <summary>Every contact delivered (deterministic; the default).</summary>
    Delivered,

    /// <summary>A demo mix decided by each contact's idempotency key: most delivered, some replied (calls: conversations, refusals), some failed.</summary>
    Mixed,

    /// <summary>Nothing: results come only through the results endpoint.</summary>
    None,
}

/// <summary>One lender's webhook: where contacts are posted and the secret they are signed with (never logged).</summary>
public sealed class WebhookEndpoint
{
    public Uri? Url { get; set; }

    public string? Secret { get; set; }
}

/// <summary><c>Collections:Contacts</c>: the channel gateway and how dispatch retries.</summary>
public sealed class ContactOptions : IValidatableObject
{
    public const string Section = "Collections:Contacts";

    [EnumDataType(typeof(ContactGatewayKind), ErrorMessage = "Collections:Contacts:Gateway must be Simulated or Webhook.")]
    public ContactGatewayKind Gateway { get; set; } = ContactGatewayKind.Simulated;

    [EnumDataType(typeof(SimulatedResults), ErrorMessage = "Collections:Contacts:SimulatedResults must be Delivered, Mixed or None.")]
    public SimulatedResults SimulatedResults { get; set; } = SimulatedResults.Delivered;

    /// <summary>Webhooks by lender id (<c>Collections:Contacts:Webhooks:L1:Url</c>, <c>…:Secret</c>).</summary>
    public Dictionary<string, WebhookEndpoint> Webhooks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Retries of one send after a 5xx, 408, 429, a timeout or a connection failure, with exponential backoff and jitter.</summary>
    [Range(1, 10, ErrorMessage = "Collections:Contacts:MaxRetries must be between 1 and 10.")]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay (real time); each next one doubles.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one HTTP attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the sends of one turn may take in all, retries included. The account waits for its sends within its
    /// turn, so this must be shorter than Orleans' response timeout (30 s by default): a send cut short
    /// stays in the outbox, whereas a caller that timed out would not know what happened.
    /// </summary>
    public TimeSpan DispatchTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The circuit breaker of each receiver (each webhook URL): it opens when at least half of the HTTP
    /// attempts of the last <see cref="BreakerSamplingDuration"/> failed, if there were at least this many.
    /// While open, sends to that receiver fail at once (the contacts stay in their outboxes), so a receiver
    /// that is down costs each account nothing and the other lenders' receivers nothing at all.
    /// </summary>
    [Range(2, 10_000)]
    public int BreakerMinimumThroughput { get; set; } = 10;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit stays open before one trial send is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sends (each with its retries) of one contact that may fail before it is recorded as failed; between
    /// them the contact stays in the outbox and the account's wake retries it.
    /// </summary>
    [Range(1, 100, ErrorMessage = "Collections:Contacts:MaxDispatchRounds must be between 1 and 100.")]
    public int MaxDispatchRounds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (lender, endpoint) in Webhooks)
        {
            if (endpoint.Url is not { IsAbsoluteUri: true } url || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
            {
                yield return new ValidationResult($"{Section}:Webhooks:{lender}:Url must be an absolute https URL (http only on loopback).", [nameof(Webhooks)]);
            }

            if (string.IsNullOrWhiteSpace(endpoint.Secret) || endpoint.Secret.Length < 16)
            {
                yield return new ValidationResult($"{Section}:Webhooks:{lender}:Secret must be at least 16 characters.", [nameof(Webhooks)]);
            }
        }

        if (RetryDelay <= TimeSpan.Zero || AttemptTimeout <= TimeSpan.Zero || DispatchTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section}:RetryDelay, AttemptTimeout and DispatchTimeout must be positive.", [nameof(RetryDelay), nameof(AttemptTimeout), nameof(DispatchTimeout)]);
        }

        // Polly's own bounds for a circuit breaker.
        if (BreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            yield return new ValidationResult($"{Section}:BreakerSamplingDuration and BreakDuration must be at least 00:00:00.500.", [nameof(BreakerSamplingDuration), nameof(BreakDuration)]);
        }
    }
}
