using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Collections.Grains.Contacts;

public static class ContactsServiceCollectionExtensions
{
    /// <summary>
    /// The channel gateway on a silo (<c>Collections:Contacts</c>, validated at start-up): the simulated one
    /// by default, or the lenders' webhooks through a resilient HttpClient.
    /// </summary>
    public static IServiceCollection AddCollectionsContacts(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<ContactOptions>().BindConfiguration(ContactOptions.Section).ValidateDataAnnotations();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SimulatedContactGateway>();
        services.TryAddSingleton<WebhookContactGateway>();
        services.TryAddSingleton<IContactGateway>(sp => sp.GetRequiredService<IOptions<ContactOptions>>().Value.Gateway == ContactGatewayKind.Webhook
            ? sp.GetRequiredService<WebhookContactGateway>()
            : sp.GetRequiredService<SimulatedContactGateway>());
        services.AddHttpClient(WebhookContactGateway.HttpClientName)
            .AddResilienceHandler("contact-webhook", (pipeline, context) =>
            {
                var settings = context.ServiceProvider.GetRequiredService<IOptions<ContactOptions>>().Value;
                pipeline
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = settings.MaxRetries,
                        Delay = settings.RetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        ShouldRetryAfterHeader = true,
                    })
                    .AddTimeout(settings.AttemptTimeout);
            });
        return services;
    }
}
