using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Collections.Grains.Agencies;

public static class AgenciesServiceCollectionExtensions
{
    /// <summary>
    /// Agencies and allocation on a silo: the per-silo allocation cache, options (<c>Collections:Agencies</c>)
    /// and the placement store — in memory unless the host registered another (Redis) first.
    /// </summary>
    public static IServiceCollection AddCollectionsAgencies(this IServiceCollection services)
    {
        services.TryAddSingleton<IAgencyPlacementStore, InMemoryAgencyPlacementStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddKeyedSingleton(AgencyCatalog.TimeKey, (sp, _) => sp.GetRequiredService<TimeProvider>());
        services.TryAddSingleton<AgencyMetrics>();
        services.TryAddSingleton<AgencyCatalog>();
        services.AddOptionsWithValidateOnStart<AgencyOptions>().BindConfiguration(AgencyOptions.Section).ValidateDataAnnotations();
        return services;
    }
}
