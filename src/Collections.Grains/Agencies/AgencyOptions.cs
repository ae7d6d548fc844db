namespace Collections.Grains.Agencies;

/// <summary>How allocation caches agencies, how long reservations wait for confirmation, how waiting accounts retry.</summary>
public sealed class AgencyOptions
{
    public const string Section = "Collections:Agencies";

    /// <summary>
    /// How long each silo's allocation cache trusts its copy of the agency directory and of each agency's
    /// room and performance (real time). Capacity is never decided by the cache — the agency grain decides
    /// — so a stale cache costs at most a refused reservation.
    /// </summary>
    public TimeSpan CatalogTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a reserved slot waits for its account to confirm before the agency asks the account (real time).</summary>
    public TimeSpan ConfirmWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an agency settles its unconfirmed and overdue placements with their accounts (real time).</summary>
    public TimeSpan ReconcilePeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A placement still held this long after its term ended (business time) is settled with its account.</summary>
    public TimeSpan ExpiryGrace { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// An account waiting for capacity first retries this long after its wait began (real time), then at
    /// doubling intervals up to <see cref="WaitingRetryMax"/>.
    /// </summary>
    public TimeSpan WaitingRetry { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan WaitingRetryMax { get; set; } = TimeSpan.FromHours(1);
}
