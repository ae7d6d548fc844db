using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;

namespace Collections.Grains.Storage;

public enum StorageProvider
{
    Memory,
    Redis,
    AzureStorage,
}

/// <summary><c>Collections:Storage</c>: where grain state, the audit log and reminders live, and how hard a silo may press on it.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Collections:Storage";

    [EnumDataType(typeof(StorageProvider), ErrorMessage = "Collections:Storage:Provider must be Memory, Redis or AzureStorage.")]
    public StorageProvider Provider { get; set; } = StorageProvider.Memory;

    /// <summary>A StackExchange.Redis connection string, required when <see cref="Provider"/> is Redis.</summary>
    public string? Redis { get; set; }

    /// <summary>An Azure Storage connection string (<c>UseDevelopmentStorage=true</c> for Azurite), required when <see cref="Provider"/> is AzureStorage.</summary>
    public string? AzureStorage { get; set; }

    /// <summary>
    /// How many storage calls the account grains of one silo have in flight (<see cref="StorageGate"/>):
    /// enough to keep Redis busy (each call is a short script) while the silo keeps up with the replies.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Collections:Storage:MaxConcurrentOperations must be between 1 and 100000.")]
    public int MaxConcurrentOperations { get; set; } = 128;

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

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// <c>Collections:Storage</c>, bound and validated at start-up. Both the grains and the host (an API
    /// tier has no grains) call it; a second call adds nothing the first did not.
    /// </summary>
    public static IServiceCollection AddCollectionsStorageOptions(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations();
        return services;
    }
}
