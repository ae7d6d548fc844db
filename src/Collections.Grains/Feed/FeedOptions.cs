using System.ComponentModel.DataAnnotations;

namespace Collections.Grains.Feed;

/// <summary><c>Collections:Events</c>: how long feeds keep events and how webhooks are delivered.</summary>
public sealed class FeedOptions : IValidatableObject
{
    public const string Section = "Collections:Events";

    /// <summary>How long a feed keeps an event (real time); at least 7 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often a subscriber's deliverer looks for new events in its feed.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one POST may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after a failed delivery; it doubles with each failure in a row, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Failed calls in a row after which a subscriber's circuit opens, for <see cref="BreakDuration"/>.</summary>
    [Range(2, 1000, ErrorMessage = "Collections:Events:BreakerFailures must be between 2 and 1000.")]
    public int BreakerFailures { get; set; } = 5;

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Deliveries a subscriber keeps for <c>GET …/webhook/deliveries</c>.</summary>
    [Range(10, 10000, ErrorMessage = "Collections:Events:DeliveriesKept must be between 10 and 10000.")]
    public int DeliveriesKept { get; set; } = 200;

    /// <summary>
    /// Webhooks may target loopback, link-local and private addresses. Unset: only in Development (a
    /// receiver on the developer's machine); elsewhere such a URL is refused, and so is a connection to one.
    /// </summary>
    public bool? AllowPrivateNetworks { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Retention < TimeSpan.FromDays(7))
        {
            yield return new ValidationResult($"{Section}:Retention must be at least 7 days (the API promises a week of events).", [nameof(Retention)]);
        }

        if (PollInterval <= TimeSpan.Zero || AttemptTimeout <= TimeSpan.Zero || RetryDelay <= TimeSpan.Zero || BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            yield return new ValidationResult(
                $"{Section}:PollInterval, AttemptTimeout and RetryDelay must be positive, BreakDuration at least 0.5 s.",
                [nameof(PollInterval), nameof(AttemptTimeout), nameof(RetryDelay), nameof(BreakDuration)]);
        }

        if (MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult($"{Section}:MaxRetryDelay must be at least RetryDelay.", [nameof(MaxRetryDelay)]);
        }
    }
}
