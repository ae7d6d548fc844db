using Collections.Grains.Accounts;
using Collections.Grains.Agencies;
using Collections.Grains.Contacts;
using Collections.Grains.Feed;
using Collections.Grains.Lenders;
using Collections.Grains.Portfolio;
using Collections.Grains.Telemetry;
using Collections.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Collections.Grains;

public static class CollectionsGrainsServiceCollectionExtensions
{
    /// <summary>
    /// Services the grains need on a silo. The event and portfolio stores default to the in-memory ones; a
    /// production host registers its own before calling this. The business clock is registered by the host.
    /// </summary>
    public static IServiceCollection AddCollectionsGrains(this IServiceCollection services)
    {
        services.TryAddSingleton<IAccountEventStore, InMemoryAccountEventStore>();
        services.TryAddSingleton<IPortfolioStore, InMemoryPortfolioStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StrategyProvider>();
        services.TryAddSingleton<CollectionsMetrics>();
        services.AddOptionsWithValidateOnStart<WakeOptions, WakeOptionsValidator>().BindConfiguration(WakeOptions.Section).ValidateDataAnnotations();
        services.AddCollectionsStorageOptions();
        services.TryAddSingleton<StorageGate>();
        services.AddCollectionsAgencies();
        services.AddCollectionsContacts();
        services.AddCollectionsFeed();
        return services;
    }
}
