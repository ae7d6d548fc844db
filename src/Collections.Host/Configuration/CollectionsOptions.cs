using System.ComponentModel.DataAnnotations;

namespace Collections.Host.Configuration;

// One pattern for every section (here and in Collections.Grains): one class per section, bound with
// AddOptionsWithValidateOnStart and ValidateDataAnnotations, IValidatableObject for rules across keys;
// every message names the key to fix. (Not the options validator source generator: its copy of
// RangeAttribute drops ErrorMessage, so messages would name the class, not the key.) A silo with invalid configuration stops with these
// messages (Program.cs, StartupFailureException.ConfigurationErrors).

/// <summary>What this process runs: a silo with the API co-hosted, or an API tier that is an Orleans client.</summary>
public enum HostRole
{
    Silo,
    Api,
}

/// <summary><c>Collections:Role</c>.</summary>
public sealed class CollectionsHostOptions
{
    public const string Section = "Collections";

    [EnumDataType(typeof(HostRole), ErrorMessage = "Collections:Role must be Silo or Api.")]
    public HostRole Role { get; set; } = HostRole.Silo;
}

/// <summary><c>Collections:Cluster</c>: Orleans identity and this silo's ports.</summary>
public sealed class CollectionsClusterOptions : IValidatableObject
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

    [Range(1, 65535, ErrorMessage = "Collections:Cluster:SiloPort must be between 1 and 65535.")]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535, ErrorMessage = "Collections:Cluster:GatewayPort must be between 1 and 65535.")]
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
    [Range(0.000001, 100_000_000, ErrorMessage = "Collections:Clock:Speed must be between 0.000001 and 100000000.")]
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
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Collections:Auth";

    /// <summary>Admin API keys accepted as they are (outside Development the only way to get a first admin key).</summary>
    public List<string> AdminKeys { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < AdminKeys.Count; i++)
        {
            // A blank key would be skipped and one longer than a request may present never matches; the
            // message names the key's position, never its value (a secret).
            var length = AdminKeys[i]?.Trim().Length ?? 0;
            if (length is 0 or > Auth.ApiKeyVerifier.MaxKeyLength)
            {
                yield return new ValidationResult(
                    $"Collections:Auth:AdminKeys:{i} must be 1 to {Auth.ApiKeyVerifier.MaxKeyLength} characters (it has {length}).", [nameof(AdminKeys)]);
            }
        }
    }
}

/// <summary><c>Collections:Metrics</c>.</summary>
public sealed class CollectionsMetricsOptions
{
    public const string Section = "Collections:Metrics";

    /// <summary>How often the <c>collections.accounts</c> gauge is re-read from the portfolio figures (real time).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Collections:Metrics:AccountsRefresh must be between 00:00:00.100 and 01:00:00.")]
    public TimeSpan AccountsRefresh { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary><c>Collections:Dashboard</c>.</summary>
public sealed class CollectionsDashboardOptions
{
    public const string Section = "Collections:Dashboard";

    /// <summary>
    /// Whether the Orleans dashboard runs at all. Viewed or not, it costs each silo a walk of its live
    /// activations every <see cref="CounterUpdateIntervalMs"/> (BENCHMARKS.md, issue 18).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The dashboard's counter refresh and its export of Orleans' metrics (the package's own default for both is
    /// 1 s). Each export walks every live activation of the silo, viewed or not; while someone views the
    /// dashboard, each refresh also asks every silo for statistics of every activation.
    /// </summary>
    [Range(1000, 3_600_000, ErrorMessage = "Collections:Dashboard:CounterUpdateIntervalMs must be between 1000 and 3600000.")]
    public int CounterUpdateIntervalMs { get; set; } = 10_000;

    /// <summary>How many refreshes the dashboard keeps for its charts.</summary>
    [Range(1, 10_000, ErrorMessage = "Collections:Dashboard:HistoryLength must be between 1 and 10000.")]
    public int HistoryLength { get; set; } = 100;
}
