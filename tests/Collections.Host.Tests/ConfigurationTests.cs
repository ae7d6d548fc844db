using System.Reflection;
using Collections.Grains.Accounts;
using Collections.Host.Auth;
using Collections.Host.Configuration;
using Collections.Host.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collections.Host.Tests;

/// <summary>
/// The host's own registrations, built but not started: the start-up validators run as the host runs them
/// and answer what <c>Program</c> prints before it exits.
/// </summary>
public sealed class ConfigurationTests
{
    [Fact]
    public void The_embedded_default_configuration_is_valid() =>
        Assert.Empty(StartupErrors([]));

    [Theory]
    [InlineData("Collections:Role", "7", "Collections:Role must be Silo or Api.")]
    [InlineData("Collections:Storage:MaxConcurrentOperations", "0", "Collections:Storage:MaxConcurrentOperations must be between 1 and 100000.")]
    [InlineData("Collections:Storage:Provider", "Redis", "Collections:Storage:Redis must be a Redis connection string")]
    [InlineData("Collections:Cluster:SiloPort", "30000", "Collections:Cluster:SiloPort and GatewayPort must differ (both are 30000).")]
    [InlineData("Collections:Cluster:ClusterId", "has spaces", "Collections:Cluster:ClusterId must be 1–64 characters")]
    [InlineData("Collections:Clock:Speed", "0", "Collections:Clock:Speed must be between 0.000001 and 100000000.")]
    [InlineData("Collections:Accounts:CollectionAge", "00:00:05", "Collections:Accounts:CollectionAge must be between 00:00:30 and 1.00:00:00.")]
    [InlineData("Collections:Wake:RetryPeriod", "00:00:02", "Collections:Wake:RetryPeriod (00:00:02) must be at least the silo's minimum reminder period (00:00:05).")]
    [InlineData("Collections:Agencies:CatalogTtl", "00:00:00", "Collections:Agencies:CatalogTtl must be between 00:00:00.001 and 01:00:00.")]
    [InlineData("Collections:Agencies:ConfirmWindow", "-00:01:00", "Collections:Agencies:ConfirmWindow must be between")]
    [InlineData("Collections:Agencies:WaitingRetryMax", "00:00:10", "Collections:Agencies:WaitingRetryMax (00:00:10) must be at least WaitingRetry (00:01:00).")]
    [InlineData("Collections:Contacts:MaxRetries", "0", "Collections:Contacts:MaxRetries must be between 1 and 10.")]
    [InlineData("Collections:Contacts:RetryDelay", "00:00:00", "Collections:Contacts:RetryDelay, AttemptTimeout and DispatchTimeout must be positive.")]
    [InlineData("Collections:Memory:CheckInterval", "00:00:00", "Collections:Memory:CheckInterval must be between")]
    [InlineData("Collections:Metrics:AccountsRefresh", "00:00:00", "Collections:Metrics:AccountsRefresh must be between 00:00:00.100 and 01:00:00.")]
    [InlineData("Collections:Documents:MaxBytes", "0", "Collections:Documents:MaxBytes must be between 1 and 107374182400 (100 GiB).")]
    [InlineData("Collections:Documents:Path", "", "Collections:Documents:Path must name a directory.")]
    public void A_value_out_of_range_stops_the_host_with_a_message_naming_the_key(string key, string value, string message)
    {
        var errors = StartupErrors(new() { [key] = value });

        Assert.Contains(errors, e => e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_blank_admin_key_is_named_by_its_position_never_by_its_value()
    {
        var tooLong = new string('k', ApiKeyVerifier.MaxKeyLength + 1);

        var errors = StartupErrors(new() { ["Collections:Auth:AdminKeys:0"] = " ", ["Collections:Auth:AdminKeys:1"] = tooLong });

        Assert.Contains(errors, e => e.Contains("Collections:Auth:AdminKeys:0 must be 1 to 256 characters (it has 0).", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Collections:Auth:AdminKeys:1 must be 1 to 256 characters (it has 257).", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains(tooLong, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_invalid_key_is_reported_at_once_not_only_the_first()
    {
        var errors = StartupErrors(new()
        {
            ["Collections:Wake:RetryPeriod"] = "00:00:01",
            ["Collections:Agencies:ReconcilePeriod"] = "00:00:00",
            ["Collections:Contacts:MaxDispatchRounds"] = "0",
        });

        Assert.Contains(errors, e => e.Contains("Collections:Wake:RetryPeriod", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Collections:Agencies:ReconcilePeriod", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Collections:Contacts:MaxDispatchRounds", StringComparison.Ordinal));
    }

    [Fact]
    public void An_accelerated_clock_shortens_the_wake_retry_no_lower_than_the_minimum_reminder_period()
    {
        using var app = Build(new() { ["Collections:Clock:Speed"] = "86400" });

        Assert.Equal(TimeSpan.FromSeconds(5), app.Services.GetRequiredService<IOptions<WakeOptions>>().Value.RetryPeriod);
        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void The_README_configuration_table_lists_every_key_of_every_options_class()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"))
            .Where(line => line.StartsWith("| `Collections", StringComparison.Ordinal))
            .ToList();

        var missing = SettingKeys().Where(key => !readme.Any(row => Lists(row, key))).ToList();

        Assert.True(missing.Count == 0, $"README.md's configuration table misses: {string.Join(", ", missing)}");
    }

    /// <summary>Every <c>Section:Property</c> of the options classes of the host and the grains (each has a <c>Section</c> constant).</summary>
    private static IEnumerable<(string Section, string Property)> SettingKeys() =>
        from assembly in new[] { typeof(CollectionsHostOptions).Assembly, typeof(WakeOptions).Assembly }
        from type in assembly.GetExportedTypes()
        let section = type.GetField("Section", BindingFlags.Public | BindingFlags.Static)
        where type.Name.EndsWith("Options", StringComparison.Ordinal) && section is { IsLiteral: true }
        from property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        where property.CanWrite
        select ((string)section.GetRawConstantValue()!, property.Name);

    /// <summary>A row lists a key in full (<c>`Collections:Agencies:CatalogTtl`</c>) or as a sibling of its section's first key (<c>/ `ClusterId`</c>).</summary>
    private static bool Lists(string row, (string Section, string Property) key) =>
        row.Contains($"`{key.Section}:{key.Property}`", StringComparison.Ordinal)
        || row.Contains($"`{key.Section}:{key.Property}:", StringComparison.Ordinal)
        || (row.StartsWith($"| `{key.Section}:", StringComparison.Ordinal) && row.Contains($"/ `{key.Property}`", StringComparison.Ordinal));

    private static IReadOnlyList<string> StartupErrors(Dictionary<string, string?> settings)
    {
        using var app = Build(settings);
        var exception = Record.Exception(() => app.Services.GetRequiredService<IStartupValidator>().Validate());
        return StartupFailureException.ConfigurationErrors(exception);
    }

    private static WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddBusinessClock().AddWakeRetry().AddCollectionsOrleans().AddCollectionsTelemetry();
        builder.Services.AddApiKeyAuth();
        builder.Services.AddDashboardAuth();
        return builder.Build();
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Collections.Orleans.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No Collections.Orleans.sln above {AppContext.BaseDirectory}.");
    }
}
