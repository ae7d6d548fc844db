using System.Net;
using System.Text.Json.Serialization;
using Collections.Grains;
using Collections.Grains.Accounts;
using Collections.Grains.Documents;
using Collections.Grains.Storage;
using Collections.Grains.Time;
using Collections.Host.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Persistence;
using Orleans.Serialization;
using StackExchange.Redis;

namespace Collections.Host.Hosting;

public static class OrleansHosting
{
    /// <summary>
    /// Binds and validates <c>Collections:Role</c>, <c>Collections:Storage</c> and <c>Collections:Cluster</c>,
    /// then runs this process as what they say:
    /// <list type="bullet">
    /// <item>a silo with the in-memory providers (the embedded default: one silo on localhost);</item>
    /// <item>a silo of a Redis cluster: Redis clustering, grain storage (plain JSON), reminders and event store;</item>
    /// <item>a silo of an Azure Storage cluster: the same on Azure Table storage (Azurite locally);</item>
    /// <item>with <c>Role=Api</c>, an Orleans client of a Redis or Azure Storage cluster serving the same HTTP API, no silo.</item>
    /// </list>
    /// </summary>
    public static WebApplicationBuilder AddCollectionsOrleans(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<CollectionsHostOptions>().BindConfiguration(CollectionsHostOptions.Section).ValidateDataAnnotations();
        services.AddCollectionsStorageOptions();
        services.AddOptionsWithValidateOnStart<CollectionsClusterOptions>().BindConfiguration(CollectionsClusterOptions.Section).ValidateDataAnnotations();

        services.AddOptionsWithValidateOnStart<CollectionsDashboardOptions>().BindConfiguration(CollectionsDashboardOptions.Section).ValidateDataAnnotations();
        services.AddCollectionsDocuments();

        // The role, storage and cluster decide which services exist, so they are read before the container is built.
        var role = builder.Configuration.GetSection(CollectionsHostOptions.Section).Get<CollectionsHostOptions>()?.Role ?? HostRole.Silo;
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new();
        var cluster = builder.Configuration.GetSection(CollectionsClusterOptions.Section).Get<CollectionsClusterOptions>() ?? new();
        var dashboard = builder.Configuration.GetSection(CollectionsDashboardOptions.Section).Get<CollectionsDashboardOptions>()?.Enabled ?? true;
        var tracing = Telemetry.Tracing(builder.Configuration).Enabled;
        if (role == HostRole.Api && storage.Provider == StorageProvider.Memory)
        {
            throw new OptionsValidationException(CollectionsHostOptions.Section, typeof(CollectionsHostOptions),
                ["Collections:Role=Api needs Collections:Storage:Provider=Redis or AzureStorage: the API tier finds the silos through the cluster's membership table."]);
        }

        if (storage.Provider == StorageProvider.Redis)
        {
            // Registered before Orleans so that it runs (and fails fast) before the silo or client starts.
            services.AddSingleton<ClusterRedis>();
            services.AddSingleton<IClockRecordStore, RedisClockRecord>();
            services.AddSingleton<ClusterClock>();
            services.AddHostedService<RedisStartupCheck>();
            services.AddHostedService<ShutdownWatchdog>();
            services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

            // Every host behind the load balancer must read the cookies the others issued (the dashboard's sign-in).
            services.AddDataProtection().SetApplicationName(cluster.ServiceId);
            services.AddOptions<KeyManagementOptions>().Configure<ClusterRedis>((o, redis) => o.XmlRepository =
                new RedisXmlRepository(() => redis.ConnectAsync().GetAwaiter().GetResult().GetDatabase(), $"{cluster.ServiceId}:data-protection-keys"));
        }

        if (storage.Provider == StorageProvider.AzureStorage)
        {
            // As for Redis: reach the account and agree on the clock before the silo or client starts.
            services.AddSingleton<ClusterAzureStorage>();
            services.AddSingleton<IClockRecordStore, AzureClockRecord>();
            services.AddSingleton<ClusterClock>();
            services.AddHostedService<AzureStorageStartupCheck>();
            services.Replace(ServiceDescriptor.Singleton<IDocumentStore>(sp => new AzureBlobDocumentStore(sp.GetRequiredService<ClusterAzureStorage>().Blobs, cluster.ServiceId)));
            services.AddHostedService<ShutdownWatchdog>();
            services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
            services.AddDataProtection().SetApplicationName(cluster.ServiceId);
            services.AddOptions<KeyManagementOptions>().Configure<ClusterAzureStorage>((o, azure) => o.XmlRepository =
                new AzureTableXmlRepository(azure.Tables, cluster.ServiceId));
        }

        if (role == HostRole.Api)
        {
            builder.UseOrleansClient(client => ConfigureClient(client, storage.Provider, cluster, dashboard, tracing));
        }
        else
        {
            builder.UseOrleans(silo => ConfigureSilo(silo, storage.Provider, cluster, dashboard, tracing));
            services.AddOptionsWithValidateOnStart<MemoryTrimOptions>().BindConfiguration(MemoryTrimOptions.Section).ValidateDataAnnotations();
            services.AddHostedService<IdleMemoryTrim>();
        }

        return builder;
    }

    /// <summary>
    /// The business clock. On Redis it is the cluster's (see <see cref="ClusterClock"/>); in the embedded
    /// default it is anchored at this process's start unless <c>Collections:Clock:Anchor</c> is given.
    /// </summary>
    public static WebApplicationBuilder AddBusinessClock(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<ClockOptions>().BindConfiguration(ClockOptions.Section).ValidateDataAnnotations();
        builder.Services.AddSingleton(sp =>
        {
            if (sp.GetService<ClusterClock>() is { } shared)
            {
                return shared.Clock;
            }

            var options = sp.GetRequiredService<IOptions<ClockOptions>>().Value;
            var real = TimeProvider.System;
            var anchor = options.Anchor ?? real.GetUtcNow();
            return new BusinessClock(real, options.Start ?? anchor, anchor, options.Speed);
        });
        return builder;
    }

    /// <summary>The wake reminder retries within one business day at accelerated speeds.</summary>
    public static WebApplicationBuilder AddWakeRetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WakeOptions>().Configure<IOptions<ClockOptions>>((wake, clock) =>
        {
            if (clock.Value.Speed > 1)
            {
                var oneBusinessHour = TimeSpan.FromHours(1) / clock.Value.Speed;
                wake.RetryPeriod = TimeSpan.FromSeconds(Math.Clamp(oneBusinessHour.TotalSeconds, 5, wake.RetryPeriod.TotalSeconds));
            }
        });
        return builder;
    }

    private static void ConfigureSilo(ISiloBuilder silo, StorageProvider provider, CollectionsClusterOptions cluster, bool dashboard, bool tracing)
    {
        if (provider == StorageProvider.Memory)
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            silo.AddMemoryGrainStorage(GrainStorage.Name);
            silo.UseInMemoryReminderService();
        }
        else
        {
            silo.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (cluster.ServiceId, cluster.ClusterId));
            silo.Services.AddOptions<EndpointOptions>().Configure<IServiceProvider>((endpoints, services) =>
            {
                endpoints.SiloPort = cluster.SiloPort;
                endpoints.GatewayPort = cluster.GatewayPort;
                if (cluster.AdvertisedIP is { } advertised)
                {
                    endpoints.AdvertisedIPAddress = IPAddress.Parse(advertised);
                }
                else if (services.GetService<ClusterRedis>()?.IsLoopback ?? services.GetRequiredService<ClusterAzureStorage>().IsLoopback)
                {
                    // A cluster on one machine: silos find each other on loopback, and listen only there.
                    endpoints.AdvertisedIPAddress = IPAddress.Loopback;
                }
            });

            // Grain state as plain JSON, without .NET type names; enums by name so that it reads well.
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(o => o.JsonSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
            if (provider == StorageProvider.Redis)
            {
                ConfigureRedis(silo, cluster);
            }
            else
            {
                ConfigureAzureStorage(silo, cluster);
            }

            if (cluster.Kubernetes)
            {
                // Pod name, IP and the service/cluster ids come from the pod's environment (see deploy/k8s).
                silo.UseKubernetesHosting();
            }
        }

        silo.Configure<ReminderOptions>(options =>
        {
            // The wake reminder's period is its retry interval; an accelerated clock wants retries
            // within a business day, so allow periods down to a few seconds.
            options.MinimumReminderPeriod = TimeSpan.FromSeconds(5);
        });

        // Orleans' stuck-request diagnostics off: every 10 s it formats a detailed status of each activation with
        // a request running over 5 s and sends it to the caller (only a "last known status" for a timeout's message).
        // Account calls wait for the storage gate by design, so under load every one of them qualifies: in a
        // grain-path onboarding on a busy machine that was 90 % of all allocation (issue 19, BENCHMARKS.md).
        silo.Configure<SiloMessagingOptions>(options => options.GrainWorkloadAnalysisPeriod = TimeSpan.Zero);
        if (dashboard)
        {
            silo.AddDashboard();

            // While someone views the dashboard, each counter refresh walks every activation of every silo, and
            // viewed or not, its export of Orleans' own metrics walks them too (DashboardExportInterval): both
            // every 10 s rather than the package's 1 s unless Collections:Dashboard:CounterUpdateIntervalMs says otherwise.
            DashboardExportInterval.Apply(silo.Services);
            silo.Services.AddOptions<Orleans.Dashboard.DashboardOptions>().Configure<IOptions<CollectionsDashboardOptions>>((orleans, ours) =>
                (orleans.CounterUpdateIntervalMs, orleans.HistoryLength) = (ours.Value.CounterUpdateIntervalMs, ours.Value.HistoryLength));
        }

        if (tracing)
        {
            // Grain calls as spans of the caller's trace (Collections:Tracing); without it each call is invisible.
            silo.AddActivityPropagation();
        }

        silo.Services.AddOptionsWithValidateOnStart<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateDataAnnotations();
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<AccountOptions>>((collection, accounts) =>
        {
            var age = accounts.Value.CollectionAge;
            collection.ClassSpecificCollectionAge[typeof(AccountGrain).FullName!] = age;

            // Orleans requires every age to exceed the collector's quantum (1 minute by default).
            if (age <= collection.CollectionQuantum)
            {
                collection.CollectionQuantum = age / 2;
            }
        });
        silo.Services.AddCollectionsGrains();
        AddExceptionSerialization(silo.Services);
    }

    private static void ConfigureRedis(ISiloBuilder silo, CollectionsClusterOptions cluster)
    {
        silo.UseRedisClustering(_ => { });
        silo.Services.AddOptions<RedisClusteringOptions>().Configure<ClusterRedis>((o, redis) =>
            (o.ConfigurationOptions, o.CreateMultiplexer) = (redis.Options, _ => Shared(redis)));

        silo.AddRedisGrainStorage(GrainStorage.Name, options => options.Configure<ClusterRedis>((o, redis) =>
            (o.ConfigurationOptions, o.CreateMultiplexer) = (redis.Options, _ => Shared(redis))));

        silo.UseRedisReminderService(_ => { });
        silo.Services.AddOptions<RedisReminderTableOptions>().Configure<ClusterRedis>((o, redis) =>
            (o.ConfigurationOptions, o.CreateMultiplexer) = (redis.Options, _ => Shared(redis)));

        // The grains' own Redis stores, on the same connection, under the service id.
        silo.Services.AddSingleton<IAccountEventStore>(sp => new RedisAccountEventStore(Connected(sp), cluster.ServiceId));
        silo.Services.AddSingleton<Collections.Grains.Agencies.IAgencyPlacementStore>(sp =>
            new Collections.Grains.Agencies.RedisAgencyPlacementStore(Connected(sp), cluster.ServiceId));
        silo.Services.AddSingleton<Collections.Grains.Portfolio.IPortfolioStore>(sp =>
            new Collections.Grains.Portfolio.RedisPortfolioStore(Connected(sp), cluster.ServiceId));
        silo.Services.AddSingleton<Collections.Grains.Index.IAccountIndex>(sp =>
            new Collections.Grains.Index.RedisAccountIndex(Connected(sp), cluster.ServiceId));
        silo.Services.AddSingleton<Collections.Grains.Queues.IWorkQueueStore>(sp =>
            new Collections.Grains.Queues.RedisWorkQueueStore(Connected(sp), cluster.ServiceId));
        silo.Services.AddSingleton<Collections.Grains.Feed.IEventFeedStore>(sp => new Collections.Grains.Feed.RedisEventFeedStore(
            Connected(sp), cluster.ServiceId, sp.GetRequiredService<IOptions<Collections.Grains.Feed.FeedOptions>>().Value.Retention));
    }

    /// <summary>
    /// Orleans' Azure Table providers for membership, grain state (the JSON serializer as a string property,
    /// readable in any table browser) and reminders, and the grains' own stores, on one storage account.
    /// </summary>
    private static void ConfigureAzureStorage(ISiloBuilder silo, CollectionsClusterOptions cluster)
    {
        silo.UseAzureStorageClustering(options => options.Configure<ClusterAzureStorage>((o, azure) => o.TableServiceClient = azure.Tables));
        silo.AddAzureTableGrainStorage(GrainStorage.Name, options => options.Configure<ClusterAzureStorage>((o, azure) =>
            (o.TableServiceClient, o.UseStringFormat) = (azure.Tables, true)));
        silo.UseAzureTableReminderService(options => options.Configure<ClusterAzureStorage>((o, azure) => o.TableServiceClient = azure.Tables));

        silo.Services.AddSingleton<IAccountEventStore>(sp => new AzureAccountEventStore(Tables(sp), cluster.ServiceId));
        silo.Services.AddSingleton<Collections.Grains.Agencies.IAgencyPlacementStore>(sp =>
            new Collections.Grains.Agencies.AzureAgencyPlacementStore(Tables(sp), cluster.ServiceId));
        silo.Services.AddSingleton<Collections.Grains.Portfolio.IPortfolioStore>(sp =>
            new Collections.Grains.Portfolio.AzurePortfolioStore(Tables(sp), cluster.ServiceId));
        silo.Services.AddSingleton<Collections.Grains.Index.IAccountIndex>(sp =>
            new Collections.Grains.Index.AzureAccountIndex(Tables(sp), cluster.ServiceId));
        silo.Services.AddSingleton<Collections.Grains.Queues.IWorkQueueStore>(sp =>
            new Collections.Grains.Queues.AzureWorkQueueStore(Tables(sp), cluster.ServiceId));
        silo.Services.AddSingleton<Collections.Grains.Feed.IEventFeedStore>(sp => new Collections.Grains.Feed.AzureEventFeedStore(
            Tables(sp), cluster.ServiceId, sp.GetRequiredService<IOptions<Collections.Grains.Feed.FeedOptions>>().Value.Retention, TimeProvider.System));
    }

    private static void ConfigureClient(IClientBuilder client, StorageProvider provider, CollectionsClusterOptions cluster, bool dashboard, bool tracing)
    {
        client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (cluster.ServiceId, cluster.ClusterId));
        if (provider == StorageProvider.AzureStorage)
        {
            client.UseAzureStorageClustering(options => options.Configure<ClusterAzureStorage>((o, azure) => o.TableServiceClient = azure.Tables));
        }
        else
        {
            client.UseRedisClustering(_ => { });
            client.Services.AddOptions<RedisClusteringOptions>().Configure<ClusterRedis>((o, redis) =>
                (o.ConfigurationOptions, o.CreateMultiplexer) = (redis.Options, _ => Shared(redis)));
        }

        client.UseConnectionRetryFilter<GatewayRetryFilter>();
        if (dashboard)
        {
            client.AddDashboard();
        }

        if (tracing)
        {
            client.AddActivityPropagation();
        }

        AddExceptionSerialization(client.Services);
    }

    /// <summary>
    /// A grain's exception crosses silos only if Orleans may serialize its type. Without this, a Redis
    /// failure (or an event-store conflict) in a grain on another silo reaches the API as a
    /// CodecNotFoundException (a 500) instead of the exception that says what happened (503 or 409).
    /// </summary>
    private static void AddExceptionSerialization(IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(options =>
        {
            options.SupportedNamespacePrefixes.Add("StackExchange.Redis");
            options.SupportedNamespacePrefixes.Add("Azure");
            options.SupportedNamespacePrefixes.Add("Collections");
        });

    /// <summary>
    /// The connected multiplexer, for services built by the container. Grains are created only after the
    /// silo started, which is after <see cref="RedisStartupCheck"/> connected, so this never waits.
    /// </summary>
    private static IConnectionMultiplexer Connected(IServiceProvider services) =>
        services.GetRequiredService<ClusterRedis>().ConnectAsync().GetAwaiter().GetResult();

    private static Azure.Data.Tables.TableServiceClient Tables(IServiceProvider services) => services.GetRequiredService<ClusterAzureStorage>().Tables;

    /// <summary>Orleans' providers use this process's connection and must not dispose it.</summary>
    private static async Task<(IConnectionMultiplexer Multiplexer, bool IsShared)> Shared(ClusterRedis redis) =>
        (await redis.ConnectAsync(), true);
}

/// <summary>
/// The API tier may start before any silo: it keeps looking for a gateway for a minute (not ready
/// meanwhile), then stops with a message saying that no silo was found.
/// </summary>
public sealed partial class GatewayRetryFilter(ILogger<GatewayRetryFilter> logger) : IClientConnectionRetryFilter
{
    private const int MaxAttempts = 30;
    private int attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref attempts);
        if (attempt > MaxAttempts)
        {
            throw new StartupFailureException(
                $"No silo gateway answered after {MaxAttempts} attempts ({exception.GetType().Name}). Start silos of the same " +
                "Collections:Cluster:ServiceId and ClusterId on the same Redis; this API process is stopping.", exception);
        }

        LogWaiting(logger, attempt, exception.GetType().Name);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        return true;
    }

    [LoggerMessage(EventId = 3031, Level = LogLevel.Warning, Message = "No silo gateway reachable yet (attempt {Attempt}, {ExceptionType}); retrying")]
    private static partial void LogWaiting(ILogger logger, int attempt, string exceptionType);
}
