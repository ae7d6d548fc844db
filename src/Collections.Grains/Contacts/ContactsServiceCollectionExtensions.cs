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
        services.AddOptions<ContactOptions>().BindConfiguration(ContactOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ContactOptions>, ContactOptionsValidator>());
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
    /// The data annotations and rules of <see cref="ContactOptions"/>, every failure named; and a dispatch
    /// timeout shorter than the silo's response timeout.
    /// </summary>
    private sealed class ContactOptionsValidator(IOptions<SiloMessagingOptions> messaging) : IValidateOptions<ContactOptions>
    {
        public ValidateOptionsResult Validate(string? name, ContactOptions options)
        {
            var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
            System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);
            var failures = results.Select(r => r.ErrorMessage ?? "invalid contact options").ToList();
            var responseTimeout = messaging.Value.ResponseTimeout;
            if (options.DispatchTimeout >= responseTimeout)
            {
                failures.Add($"{ContactOptions.Section}:DispatchTimeout ({options.DispatchTimeout}) must be shorter than Orleans' response timeout ({responseTimeout}): " +
                             "an account waits for its sends within its turn, and its caller gives up after the response timeout.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
