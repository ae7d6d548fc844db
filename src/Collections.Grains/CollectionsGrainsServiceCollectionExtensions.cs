using Collections.Grains.Accounts;
using Collections.Grains.Agencies;
using Collections.Grains.Contacts;
using Collections.Grains.Documents;
using Collections.Grains.Index;
using Collections.Grains.Feed;
using Collections.Grains.Lenders;
using Collections.Grains.Portfolio;
using Collections.Grains.Queues;
using Collections.Grains.Telemetry;
using Collections.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Collections.Grains;

public static class CollectionsGrainsServiceCollectionExtensions
{
    /// <summary>
    /// Services the grains need on a silo. The event, portfolio, index and work queue stores default to the in-memory ones, the
    /// document store to the file system (the letters the accounts send); a production host registers its own before calling this. The business clock is registered by the host.
    /// </summary>
    public static IServiceCollection AddCollectionsGrains(this IServiceCollection services)
    {
        services.TryAddSingleton<IAccountEventStore, InMemoryAccountEventStore>();
        TraceAccountEventStore(services);
        services.TryAddSingleton<IPortfolioStore, InMemoryPortfolioStore>();
        services.TryAddSingleton<IAccountIndex, InMemoryAccountIndex>();
        services.TryAddSingleton<IWorkQueueStore, InMemoryWorkQueueStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StrategyProvider>();
        services.TryAddSingleton<CollectionsMetrics>();
        services.AddOptionsWithValidateOnStart<WakeOptions, WakeOptionsValidator>().BindConfiguration(WakeOptions.Section).ValidateDataAnnotations();
        services.AddCollectionsStorageOptions();
        services.TryAddSingleton<StorageGate>();
        services.AddCollectionsAgencies();
        services.AddCollectionsContacts();
        services.AddCollectionsFeed();
        services.AddCollectionsDocuments();
        return services;
    }

    /// <summary>Wraps the registered account event store (whichever it is) in <see cref="TracedAccountEventStore"/>.</summary>
    private static void TraceAccountEventStore(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(IAccountEventStore));
        services.Remove(registered);
        services.AddSingleton<IAccountEventStore>(sp => new TracedAccountEventStore(registered switch
        {
            { ImplementationInstance: IAccountEventStore instance } => instance,
            { ImplementationFactory: { } factory } => (IAccountEventStore)factory(sp),
            _ => (IAccountEventStore)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!),
        }));
    }
}
