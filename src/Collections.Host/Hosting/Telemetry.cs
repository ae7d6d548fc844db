using System.Diagnostics.Metrics;
using Collections.Grains.Storage;
using Collections.Grains.Telemetry;
using Collections.Host.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Instrumentation.StackExchangeRedis;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Collections.Host.Hosting;

public static class Telemetry
{
    /// <summary>Orleans' grain call spans (with <c>AddActivityPropagation</c> on the silo and the client).</summary>
    private static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>
    /// Business meters, Orleans' own meters, ASP.NET Core and the runtime, exported for Prometheus at
    /// <c>/metrics</c> (<see cref="MapMetrics"/>); and, when <c>Collections:Tracing:OtlpEndpoint</c> is set,
    /// traces exported by OTLP.
    /// </summary>
    public static WebApplicationBuilder AddCollectionsTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<CollectionsMetrics>();
        builder.Services.AddOptionsWithValidateOnStart<CollectionsMetricsOptions>().BindConfiguration(CollectionsMetricsOptions.Section).ValidateDataAnnotations();
        builder.Services.AddHostedService<AccountsGaugeRefresh>();
        var openTelemetry = builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(CollectionsMetrics.MeterName, Collections.Grains.Agencies.AgencyMetrics.MeterName, "Microsoft.Orleans")
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, metrics) => metrics.AddView(OnlyThisHostsMeters(services.GetRequiredService<IMeterFactory>())));

        builder.Services.AddOptionsWithValidateOnStart<TracingOptions>().BindConfiguration(TracingOptions.Section).ValidateDataAnnotations();
        var tracing = Tracing(builder.Configuration);
        if (tracing.Enabled)
        {
            openTelemetry.WithTracing(traces => traces
                .ConfigureResource(resource => resource.AddService("collections", serviceInstanceId: Environment.MachineName))
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(tracing.SampleRatio)))
                .AddAspNetCoreInstrumentation(o =>
                {
                    // Health probes and scrapes would be most of the traces and say nothing.
                    o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/health");

                    // Query strings may carry customer ids or search terms: never recorded, not even redacted.
                    o.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null);
                })
                .AddHttpClientInstrumentation(o => o.EnrichWithHttpRequestMessage = (activity, _) => activity.SetTag("url.query", null))
                .AddSource(OrleansActivitySources)
                .AddSource(TracedAccountEventStore.ActivitySourceName)
                .AddRedisInstrumentation()
                .ConfigureRedisInstrumentation((services, instrumentation) => TraceClusterRedis(services, instrumentation))
                .AddOtlpExporter(o => o.Endpoint = tracing.OtlpEndpoint!));
        }

        return builder;
    }

    /// <summary>
    /// Drops instruments whose meter another container's <see cref="IMeterFactory"/> created. A process
    /// normally runs one host, but test suites run several: every host's listener would see the others'
    /// instruments under the same names, and when one host stops OpenTelemetry retires the metric stream
    /// they shared, so the survivors' series vanish. Meters without a factory (static ones) stay.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> OnlyThisHostsMeters(IMeterFactory own) =>
        instrument => instrument.Meter.Scope is IMeterFactory factory && factory != own ? MetricStreamConfiguration.Drop : null;

    /// <summary>The tracing settings, read before the container is built (validated at start like every option).</summary>
    public static TracingOptions Tracing(IConfiguration configuration) =>
        configuration.GetSection(TracingOptions.Section).Get<TracingOptions>() ?? new();

    public static IEndpointConventionBuilder MapMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint("/metrics");

    /// <summary>Traces the commands of this process's one Redis connection (when it has one) once it is connected.</summary>
    private static void TraceClusterRedis(IServiceProvider services, StackExchangeRedisInstrumentation instrumentation) =>
        services.GetService<ClusterRedis>()?.ConnectAsync().ContinueWith(
            connected => instrumentation.AddConnection(connected.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
}
