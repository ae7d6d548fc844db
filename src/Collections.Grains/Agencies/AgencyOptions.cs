using System.ComponentModel.DataAnnotations;

namespace Collections.Grains.Agencies;

/// <summary>
/// <c>Collections:Agencies</c>: how allocation caches agencies, how long reservations wait for
/// confirmation, how waiting accounts retry.
/// </summary>
public sealed class AgencyOptions : IValidatableObject
{
    public const string Section = "Collections:Agencies";

    /// <summary>
    /// How long each silo's allocation cache trusts its copy of the agency directory and of each agency's
    /// room and performance (real time). Capacity is never decided by the cache — the agency grain decides
    /// — so a stale cache costs at most a refused reservation.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "Collections:Agencies:CatalogTtl must be between 00:00:00.001 and 01:00:00.")]
    public TimeSpan CatalogTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a reserved slot waits for its account to confirm before the agency asks the account (real time).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "Collections:Agencies:ConfirmWindow must be between 00:00:00.001 and 1.00:00:00.")]
    public TimeSpan ConfirmWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an agency settles its unconfirmed and overdue placements with their accounts (real time).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "Collections:Agencies:ReconcilePeriod must be between 00:00:00.001 and 1.00:00:00.")]
    public TimeSpan ReconcilePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A placement still held this long after its term ended (business time) is settled with its account.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00", ErrorMessage = "Collections:Agencies:ExpiryGrace must be between 00:00:00 and 365.00:00:00.")]
    public TimeSpan ExpiryGrace { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// An account waiting for capacity first retries this long after its wait began (real time), then at
    /// doubling intervals up to <see cref="WaitingRetryMax"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "Collections:Agencies:WaitingRetry must be between 00:00:00.001 and 1.00:00:00.")]
    public TimeSpan WaitingRetry { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:00.001", "7.00:00:00", ErrorMessage = "Collections:Agencies:WaitingRetryMax must be between 00:00:00.001 and 7.00:00:00.")]
    public TimeSpan WaitingRetryMax { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WaitingRetryMax < WaitingRetry)
        {
            yield return new ValidationResult(
                $"Collections:Agencies:WaitingRetryMax ({WaitingRetryMax}) must be at least WaitingRetry ({WaitingRetry}).", [nameof(WaitingRetryMax)]);
        }
    }
}
