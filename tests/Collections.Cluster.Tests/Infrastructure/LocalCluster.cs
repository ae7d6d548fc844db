using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Collections.Cluster.Tests.Infrastructure;

/// <summary>
/// A real cluster on loopback, as deploy/cluster.sh runs one: the test's own Redis and silo processes
/// (and optionally an API-only process), each with its own HTTP, silo and gateway port.
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

    private LocalCluster(RedisServer redis, string directory, double clockSpeed, ITestOutputHelper output)
    {
        Redis = redis;
        this.directory = directory;
        this.clockSpeed = clockSpeed;
        this.output = output;
    }

    public RedisServer Redis { get; }

    public List<HostProcess> Silos { get; } = [];

    public string LogDirectory => directory;

    /// <summary>Starts Redis and <paramref name="silos"/> silos at once (each with the <paramref name="extra"/> settings) and waits until every silo is ready.</summary>
    public static async Task<LocalCluster> StartAsync(int silos, double clockSpeed, ITestOutputHelper output, params string[] extra)
    {
        var redis = await RedisServer.StartAsync();
        var cluster = new LocalCluster(redis, TestFiles.TempDirectory("cluster"), clockSpeed, output);
        var started = Stopwatch.StartNew();
        try
        {
            // All at once: whichever reaches Redis first sets the shared business clock, the others join it.
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

        output.WriteLine($"Redis on port {redis.Port}; {silos} silo(s) ready in {started.Elapsed.TotalSeconds:F1} s; logs in {cluster.directory}");
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

    /// <summary>The membership table as Orleans' Redis clustering stores it: silo address (ip:port@generation) → status (3 Active, 6 Dead).</summary>
    public async Task<Dictionary<string, int>> MembershipAsync()
    {
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
        await Redis.DisposeAsync();
        TestFiles.TryDelete(directory);
    }

    private HostProcess Start(string name, IEnumerable<string> arguments, int siloPort)
    {
        var http = Ports.Free();
        string[] common =
        [
            "--Collections:Storage:Provider=Redis",
            $"--Collections:Storage:Redis={Redis.ConnectionString}",
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
