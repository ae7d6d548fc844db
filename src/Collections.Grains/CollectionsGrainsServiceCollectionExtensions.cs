using Collections.Grains.Accounts;
using Collections.Grains.Lenders;
using Collections.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Collections.Grains;

public static class CollectionsGrainsServiceCollectionExtensions
{
    /// <summary>
    /// Services the grains need on a silo. The event store defaults to the in-memory one; a production
    /// host registers its own before calling this. The business clock is registered by the host.
    /// </summary>
    public static IServiceCollection AddCollectionsGrains(this IServiceCollection services)
    {
        services.TryAddSingleton<IAccountEventStore, InMemoryAccountEventStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StrategyProvider>();
        services.AddOptions<WakeOptions>().BindConfiguration(WakeOptions.Section);
        return services;
    }
}
