using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Xunit.Abstractions;

namespace Collections.Cluster.Tests.Infrastructure;

/// <summary>Where a test cluster keeps its state, as <c>Collections:Storage:Provider</c> says.</summary>
public enum ClusterStore
{
    Redis,
    AzureStorage,
}

/// <summary>
/// A real cluster on loopback, as deploy/cluster.sh runs one: the test's own Redis (or Azurite) and silo
/// processes (and optionally an API-only process), each with its own HTTP, silo and gateway port.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    public const string AdminKey = "cluster-test-admin-key";
    public const string ServiceId = "collections";
    public const string ClusterId = "test";

    private readonly string directory;
    private readonly double clockSpeed;
    private readonly ITestOutputHelper output;
    private readonly List<HostProcess> processes = [];

    private readonly RedisServer? redis;
    private readonly AzuriteServer? azurite;

    private LocalCluster(RedisServer? redis, AzuriteServer? azurite, string directory, double clockSpeed, ITestOutputHelper output)
    {
        this.redis = redis;
        this.azurite = azurite;
        this.directory = directory;
        this.clockSpeed = clockSpeed;
        this.output = output;
    }

    public RedisServer Redis => redis ?? throw new InvalidOperationException("This cluster runs on Azure Storage, not Redis.");

    public AzuriteServer Azurite => azurite ?? throw new InvalidOperationException("This cluster runs on Redis, not Azure Storage.");

    public ClusterStore Store => redis is not null ? ClusterStore.Redis : ClusterStore.AzureStorage;

    public List<HostProcess> Silos { get; } = [];

    public string LogDirectory => directory;

    /// <summary>Starts Redis and <paramref name="silos"/> silos at once (each with the <paramref name="extra"/> settings) and waits until every silo is ready.</summary>
    public static Task<LocalCluster> StartAsync(int silos, double clockSpeed, ITestOutputHelper output, params string[] extra) =>
        StartAsync(silos, clockSpeed, output, ClusterStore.Redis, extra);

    /// <summary>Starts Redis (or Azurite) and <paramref name="silos"/> silos at once (each with the <paramref name="extra"/> settings) and waits until every silo is ready.</summary>
    public static async Task<LocalCluster> StartAsync(int silos, double clockSpeed, ITestOutputHelper output, ClusterStore store, params string[] extra)
    {
        var cluster = store == ClusterStore.Redis
            ? new LocalCluster(await RedisServer.StartAsync(), null, TestFiles.TempDirectory("cluster"), clockSpeed, output)
            : new LocalCluster(null, await AzuriteServer.StartAsync(), TestFiles.TempDirectory("cluster"), clockSpeed, output);
        var started = Stopwatch.StartNew();
        try
        {
            // All at once: whichever reaches storage first sets the shared business clock, the others join it.
            for (var i = 1; i <= silos; i++)
            {
                cluster.Silos.Add(cluster.StartSilo($"silo-{i}", extra));
            }

            await Task.WhenAll(cluster.Silos.Select(s => s.WaitReadyAsync(TimeSpan.FromSeconds(90))));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        output.WriteLine($"{(store == ClusterStore.Redis ? $"Redis on port {cluster.Redis.Port}" : $"Azurite on table port {cluster.Azurite.TablePort}")}; {silos} silo(s) ready in {started.Elapsed.TotalSeconds:F1} s; logs in {cluster.directory}");
        return cluster;
    }

    /// <summary>Starts a silo process on free ports (not waiting for it).</summary>
    public HostProcess StartSilo(string name, params string[] extra)
    {
        var siloPort = Ports.Free();
        return Start(name, ["--Collections:Role=Silo", $"--Collections:Cluster:SiloPort={siloPort}", $"--Collections:Cluster:GatewayPort={Ports.Free()}", .. extra], siloPort);
    }

    /// <summary>Starts an API-only process (<c>Collections:Role=Api</c>, an Orleans client of the cluster).</summary>
    public HostProcess StartApi(string name) => Start(name, ["--Collections:Role=Api"], 0);

    /// <summary>The membership status of a silo process (3 Active, 6 Dead), or null before it has a row.</summary>
    public async Task<int?> StatusOfAsync(HostProcess silo) =>
        (await MembershipAsync()).Where(row => row.Key.StartsWith($"127.0.0.1:{silo.SiloPort}@", StringComparison.Ordinal))
            .Select(row => (int?)row.Value).LastOrDefault();

    /// <summary>The membership table as Orleans' clustering stores it: silo address (ip:port@generation) → status (3 Active, 6 Dead).</summary>
    public async Task<Dictionary<string, int>> MembershipAsync()
    {
        if (azurite is not null)
        {
            // Orleans' Azure Table clustering: a row per silo with its address, port, generation and status by name.
            var silos = azurite.Tables().GetTableClient("OrleansSiloInstances").QueryAsync<TableEntity>();
            var members = new Dictionary<string, int>();
            await foreach (var row in silos)
            {
                if (row.GetString("Address") is { } address && row.GetString("Status") is { } status)
                {
                    members[$"{address}:{row["Port"]}@{row["Generation"]}"] = (int)Enum.Parse<Orleans.Runtime.SiloStatus>(status);
                }
            }

            return members;
        }

        await using var redis = await Redis.ConnectAsync();
        var rows = await redis.GetDatabase().HashGetAllAsync($"{ServiceId}/members/{ClusterId}");
        return rows.Where(r => r.Name != "Version")
            .Select(r => JsonDocument.Parse((string)r.Value!).RootElement)
            .ToDictionary(row => row.GetProperty("SiloAddress").GetProperty("SiloAddress").GetString()!, row => row.GetProperty("Status").GetInt32());
    }

    /// <summary>The business clock as the cluster reports it.</summary>
    public static async Task<DateTimeOffset> BusinessNowAsync(HostProcess process)
    {
        var clock = await process.Http.GetFromJsonAsync<JsonElement>("/api/v1/clock");
        return clock.GetProperty("now").GetDateTimeOffset();
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask()));
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }

        TestFiles.TryDelete(directory);
    }

    private HostProcess Start(string name, IEnumerable<string> arguments, int siloPort)
    {
        var http = Ports.Free();
        string[] common =
        [
            .. redis is not null
                ? new[] { "--Collections:Storage:Provider=Redis", $"--Collections:Storage:Redis={redis.ConnectionString}" }
                : ["--Collections:Storage:Provider=AzureStorage", $"--Collections:Storage:AzureStorage={Azurite.ConnectionString}"],
            $"--Collections:Cluster:ServiceId={ServiceId}",
            $"--Collections:Cluster:ClusterId={ClusterId}",
            $"--Collections:Clock:Speed={clockSpeed.ToString(CultureInfo.InvariantCulture)}",
            $"--Collections:Auth:AdminKeys:0={AdminKey}",
            // Keep the logs readable: Orleans' informational start-up chatter off, our own on.
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Collections=Information",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            "--Logging:LogLevel:Orleans.Runtime.MembershipService=Information",
        ];
        var process = HostProcess.Start(name, directory, http, [.. common, .. arguments], siloPort);
        processes.Add(process);
        output.WriteLine($"Started {name} (pid {process.Id}) on http://127.0.0.1:{http}");
        return process;
    }
}
