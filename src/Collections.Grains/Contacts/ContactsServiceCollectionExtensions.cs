using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Polly;
using Polly.CircuitBreaker;

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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ContactOptions>, DispatchTimeoutValidator>());
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
                    .AddTimeout(settings.DispatchTimeout)
                    .AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = settings.MaxRetries,
                        Delay = settings.RetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        ShouldRetryAfterHeader = true,

                        // An open circuit stays open for BreakDuration: retrying it only spends the dispatch's time.
                        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not BrokenCircuitException && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                    })
                    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        FailureRatio = 0.5,
                        MinimumThroughput = settings.BreakerMinimumThroughput,
                        SamplingDuration = settings.BreakerSamplingDuration,
                        BreakDuration = settings.BreakDuration,
                    })
                    .AddTimeout(settings.AttemptTimeout);
            })

            // One pipeline, and so one circuit, per receiver: a lender's webhook being down opens only its own.
            .SelectPipelineBy(_ => request => request.RequestUri?.GetLeftPart(UriPartial.Path) ?? "");
        return services;
    }

    /// <summary>
    /// The rule no annotation can state: a dispatch, retries included, ends before the silo's response
    /// timeout, because the account waits for its sends within its turn.
    /// </summary>
    private sealed class DispatchTimeoutValidator(IOptions<SiloMessagingOptions> messaging) : IValidateOptions<ContactOptions>
    {
        public ValidateOptionsResult Validate(string? name, ContactOptions options)
        {
            var responseTimeout = messaging.Value.ResponseTimeout;
            return options.DispatchTimeout < responseTimeout
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{ContactOptions.Section}:DispatchTimeout ({options.DispatchTimeout}) must be shorter than Orleans' response timeout ({responseTimeout}): " +
                                             "an account waits for its sends within its turn, and its caller gives up after the response timeout.");
        }
    }
}
