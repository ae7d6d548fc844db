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

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == StorageProvider.Redis && string.IsNullOrWhiteSpace(Redis))
        {
            yield return new ValidationResult(
                "Collections:Storage:Redis must be a Redis connection string (e.g. localhost:6379) when Collections:Storage:Provider is Redis.",
                [nameof(Redis)]);
        }
    }
}

/// <summary><c>Collections:Cluster</c>: Orleans identity and this silo's ports.</summary>
public sealed class ClusterOptions
{
    public const string Section = "Collections:Cluster";

    [Required]
    public string ServiceId { get; set; } = "collections";

    [Required]
    public string ClusterId { get; set; } = "dev";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;
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

    /// <summary>The real instant at which business time was <see cref="Start"/>; this process's start when not given.</summary>
    public DateTimeOffset? Anchor { get; set; }
}

/// <summary><c>Collections:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Collections:Auth";

    /// <summary>Admin API keys accepted as they are (outside Development the only way to get a first admin key).</summary>
    public List<string> AdminKeys { get; set; } = [];
}
