using System.Net;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Persistence;
using Orleans.Serialization;
using StackExchange.Redis;

namespace Collections.Benchmarks.Ceiling;

/// <summary>
/// The silo of the ceiling scenario: this benchmark's own program started again as a child process
/// (<c>ceiling-silo</c>), so that its CPU and memory are measured apart from the load generator's, as the
/// host's are. Same providers as Collections.Host on Redis (Redis clustering, Redis grain storage with the
/// System.Text.Json serializer, Redis reminders, all on one shared connection; Server GC from the
/// launcher's environment); nothing else: no HTTP, no product grains.
/// </summary>
public static class CeilingSilo
{
    /// <summary>Written to standard output once the silo accepts clients.</summary>
    public const string Ready = "ceiling silo ready";

    /// <summary>The grain storage provider's name, as the host's (<c>GrainStorage.Name</c>).</summary>
    public const string Storage = "state";

    public static async Task<int> RunAsync(string redis, string serviceId, string clusterId, int siloPort, int gatewayPort, CancellationToken cancellationToken)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        Task<(IConnectionMultiplexer, bool)> Shared(object _) => Task.FromResult<(IConnectionMultiplexer, bool)>((connection, true));

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (serviceId, clusterId));
            silo.Configure<EndpointOptions>(o => (o.SiloPort, o.GatewayPort, o.AdvertisedIPAddress) = (siloPort, gatewayPort, IPAddress.Loopback));
            silo.UseRedisClustering(o => (o.ConfigurationOptions, o.CreateMultiplexer) = (ConfigurationOptions.Parse(redis), Shared));
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(o => o.JsonSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
            silo.AddRedisGrainStorage(Storage, o => (o.ConfigurationOptions, o.CreateMultiplexer) = (ConfigurationOptions.Parse(redis), Shared));
            silo.UseRedisReminderService(o => (o.ConfigurationOptions, o.CreateMultiplexer) = (ConfigurationOptions.Parse(redis), Shared));
        });
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        Console.WriteLine(Ready);
        await host.WaitForShutdownAsync(cancellationToken);
        await connection.DisposeAsync();
        return 0;
    }
}
