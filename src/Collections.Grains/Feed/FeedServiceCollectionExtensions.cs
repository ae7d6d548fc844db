using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Feed;

public static class FeedServiceCollectionExtensions
{
    /// <summary>
    /// Events out on a silo (<c>Collections:Events</c>, validated at start-up): the feed store — in memory
    /// unless the host registered another (Redis) first — and the webhook HttpClient, whose connections
    /// refuse private addresses outside Development and which follows no redirect.
    /// </summary>
    public static IServiceCollection AddCollectionsFeed(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<FeedOptions>().BindConfiguration(FeedOptions.Section).ValidateDataAnnotations();
        services.AddOptions<FeedOptions>().PostConfigure<IServiceProvider>((options, sp) =>
            options.AllowPrivateNetworks ??= sp.GetService<IHostEnvironment>()?.IsDevelopment() ?? false);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEventFeedStore, InMemoryEventFeedStore>();
        services.AddHttpClient(EventSubscriptionGrain.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectCallback = WebhookTargets.Connect(sp.GetRequiredService<IOptions<FeedOptions>>().Value.AllowPrivateNetworks ?? false),
            });
        return services;
    }
}
