using System.ComponentModel.DataAnnotations;

namespace Collections.Host.Configuration;

/// <summary>What this process runs: a silo with the API co-hosted, or an API tier that is an Orleans client.</summary>
public enum HostRole
{
    Silo,
    Api,
}

public enum StorageProvider
{
    Memory,
    Redis,
    AzureStorage,
}

/// <summary><c>Collections:Role</c>.</summary>
public sealed class HostOptions
{
    public const string Section = "Collections";

    public HostRole Role { get; set; } = HostRole.Silo;
}

/// <summary><c>Collections:Storage</c>: where grain state, the audit log and reminders live.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Collections:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Memory;

    /// <summary>A StackExchange.Redis connection string, required when <see cref="Provider"/> is Redis.</summary>
    public string? Redis { get; set; }

    /// <summary>An Azure Storage connection string (<c>UseDevelopmentStorage=true</c> for Azurite), required when <see cref="Provider"/> is AzureStorage.</summary>
    public string? AzureStorage { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == StorageProvider.Redis && string.IsNullOrWhiteSpace(Redis))
        {
            yield return new ValidationResult(
                "Collections:Storage:Redis must be a Redis connection string (e.g. localhost:6379) when Collections:Storage:Provider is Redis.",
                [nameof(Redis)]);
        }

        if (Provider == StorageProvider.AzureStorage && string.IsNullOrWhiteSpace(AzureStorage))
        {
            yield return new ValidationResult(
                "Collections:Storage:AzureStorage must be an Azure Storage connection string (UseDevelopmentStorage=true for Azurite) " +
                "when Collections:Storage:Provider is AzureStorage.",
                [nameof(AzureStorage)]);
        }
    }
}

/// <summary><c>Collections:Cluster</c>: Orleans identity and this silo's ports.</summary>
public sealed class ClusterOptions : IValidatableObject
{
    public const string Section = "Collections:Cluster";

    private const string IdPattern = "^[A-Za-z0-9._:-]{1,64}$";
    private const string IdRule = "must be 1–64 characters of A–Z a–z 0–9 . _ : - (it prefixes every Redis key)";

    /// <summary>The service's identity: every key in storage is under it, so it must not change over the service's life.</summary>
    [Required, RegularExpression(IdPattern, ErrorMessage = "Collections:Cluster:ServiceId " + IdRule)]
    public string ServiceId { get; set; } = "collections";

    /// <summary>One deployment of the service: silos and clients with the same cluster id form one cluster.</summary>
    [Required, RegularExpression(IdPattern, ErrorMessage = "Collections:Cluster:ClusterId " + IdRule)]
    public string ClusterId { get; set; } = "dev";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The IP address other silos and clients use to reach this silo. Unset: 127.0.0.1 when Redis is on
    /// loopback (a cluster on one machine), otherwise an address of this host chosen by Orleans.
    /// </summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>Running as pods of a Kubernetes Deployment (Microsoft.Orleans.Hosting.Kubernetes): identity and address come from the pod.</summary>
    public bool Kubernetes { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SiloPort == GatewayPort)
        {
            yield return new ValidationResult(
                $"Collections:Cluster:SiloPort and GatewayPort must differ (both are {SiloPort}).", [nameof(SiloPort), nameof(GatewayPort)]);
        }

        if (AdvertisedIP is not null && !System.Net.IPAddress.TryParse(AdvertisedIP, out _))
        {
            yield return new ValidationResult(
                $"Collections:Cluster:AdvertisedIP '{AdvertisedIP}' is not an IP address.", [nameof(AdvertisedIP)]);
        }
    }
}

/// <summary><c>Collections:Accounts</c>: how account grains live on a silo.</summary>
public sealed class AccountOptions
{
    public const string Section = "Collections:Accounts";

    /// <summary>
    /// How long an idle account stays activated (Orleans' default for other grains is 15 minutes). An
    /// account is busy for moments a day, so memory must follow the active set, not the portfolio: after
    /// an import every imported account is idle at once (BENCHMARKS.md, finding 3). Shorter means more
    /// reloads from Redis for accounts touched again soon.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00", ErrorMessage = "Collections:Accounts:CollectionAge must be between 00:00:30 and 1.00:00:00.")]
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(3);
}

/// <summary><c>Collections:Clock</c>: the business clock.</summary>
public sealed class ClockOptions
{
    public const string Section = "Collections:Clock";

    /// <summary>Business seconds per real second (86400 = a business day per real second).</summary>
    [Range(0.000001, 100_000_000)]
    public double Speed { get; set; } = 1;

    /// <summary>The business instant at start-up; now when not given.</summary>
    public DateTimeOffset? Start { get; set; }

    /// <summary>
    /// The real instant at which business time was <see cref="Start"/>. When not given, the first process
    /// of a Redis cluster sets it for all (the embedded default: this process's start).
    /// </summary>
    public DateTimeOffset? Anchor { get; set; }
}

/// <summary><c>Collections:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Collections:Auth";

    /// <summary>Admin API keys accepted as they are (outside Development the only way to get a first admin key).</summary>
    public List<string> AdminKeys { get; set; } = [];
}

/// <summary><c>Collections:Metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Collections:Metrics";

    /// <summary>How often the <c>collections.accounts</c> gauge is re-read from the portfolio figures (real time).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan AccountsRefresh { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary><c>Collections:Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Collections:Dashboard";

    /// <summary>
    /// Whether the Orleans dashboard runs at all. Its collector pulls statistics from every grain
    /// activation each second, which a large portfolio may not want to pay for.
    /// </summary>
    public bool Enabled { get; set; } = true;
}
