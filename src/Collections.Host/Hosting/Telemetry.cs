using Collections.Grains.Telemetry;
using Collections.Host.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;

namespace Collections.Host.Hosting;

public static class Telemetry
{
    /// <summary>
    /// Business meters, Orleans' own meters, ASP.NET Core and the runtime, exported for Prometheus at
    /// <c>/metrics</c> (<see cref="MapMetrics"/>).
    /// </summary>
    public static WebApplicationBuilder AddCollectionsTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<CollectionsMetrics>();
        builder.Services.AddOptionsWithValidateOnStart<CollectionsMetricsOptions>().BindConfiguration(CollectionsMetricsOptions.Section).ValidateDataAnnotations();
        builder.Services.AddHostedService<AccountsGaugeRefresh>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(CollectionsMetrics.MeterName, Collections.Grains.Agencies.AgencyMetrics.MeterName, "Microsoft.Orleans")
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint("/metrics");
}
