using System.Globalization;
using Collections.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using StackExchange.Redis;

namespace Collections.Benchmarks.Infrastructure;

/// <summary>Where the system under test keeps its state.</summary>
public enum Provider
{
    Redis,
    AzureStorage,
    Memory,
}

/// <summary>
/// One Collections.Host process (a silo with the HTTP API co-hosted), started with the configuration
/// names of API.md, and an Orleans client of it in this process.
/// </summary>
public sealed class HostUnderTest : IAsyncDisposable
{
    public const string ServiceId = "bench";

    private readonly IHost clientHost;
    private readonly Uri? http;
    private int disposed;

    private HostUnderTest(ChildProcess process, Uri? http, RedisServer? redis, AzuriteStore? azurite, string clusterId, IHost clientHost)
    {
        Process = process;
        this.http = http;
        Redis = redis;
        Azurite = azurite;
        ClusterId = clusterId;
        this.clientHost = clientHost;
        Client = clientHost.Services.GetRequiredService<IClusterClient>();
    }

    public ChildProcess Process { get; }

    public Uri Http => http ?? throw new InvalidOperationException($"{Process.Name} serves no HTTP.");

    public bool ServesHttp => http is not null;

    public RedisServer? Redis { get; }

    /// <summary>The host's own Azurite with <see cref="Provider.AzureStorage"/> (started and stopped with it).</summary>
    public AzuriteStore? Azurite { get; }

    /// <summary>The process that stores the host's state (Redis or Azurite), for its CPU; the host itself on Memory.</summary>
    public int StorePid => Redis?.Process.Pid ?? Azurite?.Process.Pid ?? Pid;

    public string ClusterId { get; }

    public IClusterClient Client { get; }

    public int Pid => Process.Pid;

    /// <summary>
    /// Starts the host (with an Azurite of its own on <see cref="Provider.AzureStorage"/>; <paramref name="settings"/>
    /// are further <c>--Key=Value</c> arguments) and waits until <c>/health/ready</c> answers 200, then connects an
    /// Orleans client to its gateway.
    /// </summary>
    public static async Task<HostUnderTest> StartAsync(
        Resources resources, string hostDll, string name, Provider provider, RedisServer? redis, DateTimeOffset? clockStart,
        IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken, IEnumerable<string>? settings = null)
    {
        var azurite = provider == Provider.AzureStorage ? await AzuriteStore.StartAsync(resources, $"azurite-{name}", cancellationToken) : null;
        var httpPort = Ports.Free();
        var siloPort = Ports.Free();
        var gatewayPort = Ports.Free();
        var clusterId = $"bench-{name}";
        List<string> args =
        [
            hostDll,
            "--urls", $"http://127.0.0.1:{httpPort}",
            "--environment", "Development",
            $"--Collections:Storage:Provider={provider}",
            $"--Collections:Cluster:ServiceId={ServiceId}",
            $"--Collections:Cluster:ClusterId={clusterId}",
            $"--Collections:Cluster:SiloPort={siloPort}",
            $"--Collections:Cluster:GatewayPort={gatewayPort}",
            "--Collections:Clock:Speed=1",

            // Letters kept as documents go to the run's own directory (removed with it), not the build output.
            $"--Collections:Documents:Path={Path.Combine(resources.Root, $"documents-{name}")}",
        ];
        if (provider == Provider.Redis)
        {
            args.Add($"--Collections:Storage:Redis={redis!.ConnectionString}");
        }

        if (azurite is not null)
        {
            args.Add($"--Collections:Storage:AzureStorage={azurite.ConnectionString}");
        }

        if (clockStart is { } start)
        {
            args.Add($"--Collections:Clock:Start={start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}");
        }

        args.AddRange(settings ?? []);

        var process = resources.Own(ChildProcess.Start(
            name, "dotnet", args, Path.Combine(resources.Root, $"{name}.log"), Path.GetDirectoryName(hostDll), grace: TimeSpan.FromSeconds(3),
            environment: environment.ToDictionary(StringComparer.Ordinal)));
        var http = new Uri($"http://127.0.0.1:{httpPort}");
        using (var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{name} exited during start-up:\n{process.Tail()}");
                }

                try
                {
                    using var response = await probe.GetAsync(new Uri(http, "/health/ready"), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{name} was not ready within 120 s:\n{process.Tail()}");
                }

                await Task.Delay(250, cancellationToken);
            }
        }

        var host = new HostUnderTest(process, http, redis, azurite, clusterId, await ConnectClientAsync(provider, redis, clusterId, gatewayPort, cancellationToken));
        return resources.Own(host);
    }

    /// <summary>
    /// Starts the ceiling scenario's minimal silo (<see cref="Ceiling.CeilingSilo"/>: this program again, as a child
    /// process with the host's Server GC and <paramref name="environment"/>) on <paramref name="redis"/>, and connects a client to it.
    /// </summary>
    public static async Task<HostUnderTest> StartCeilingAsync(
        Resources resources, RedisServer redis, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        const string name = "ceiling-silo";
        var siloPort = Ports.Free();
        var gatewayPort = Ports.Free();
        var clusterId = $"bench-{name}";
        var program = typeof(HostUnderTest).Assembly.Location;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal) { ["DOTNET_gcServer"] = "1" };
        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }

        var log = Path.Combine(resources.Root, $"{name}.log");
        var process = resources.Own(ChildProcess.Start(
            name, "dotnet",
            [program, name, "--redis", redis.ConnectionString, "--cluster-id", clusterId,
             "--silo-port", siloPort.ToString(CultureInfo.InvariantCulture), "--gateway-port", gatewayPort.ToString(CultureInfo.InvariantCulture)],
            log, Path.GetDirectoryName(program), grace: TimeSpan.FromSeconds(3), environment: variables));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!ReadShared(log).Contains(Ceiling.CeilingSilo.Ready, StringComparison.Ordinal))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{name} did not start:\n{process.Tail()}");
            }

            await Task.Delay(100, cancellationToken);
        }

        var host = new HostUnderTest(process, null, redis, null, clusterId, await ConnectClientAsync(Provider.Redis, redis, clusterId, gatewayPort, cancellationToken));
        return resources.Own(host);

        static string ReadShared(string path)
        {
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return reader.ReadToEnd();
        }
    }

    private static async Task<IHost> ConnectClientAsync(Provider provider, RedisServer? redis, string clusterId, int gatewayPort, CancellationToken cancellationToken)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ServiceId, o.ClusterId) = (ServiceId, clusterId));
            if (provider == Provider.Redis)
            {
                client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis!.ConnectionString));
            }
            else
            {
                // Memory and Azure: the one gateway by its address (the client needs no Azure clustering package for that).
                client.UseLocalhostClustering(gatewayPort, ServiceId, clusterId);
            }
        });
        var clientHost = builder.Build();
        await clientHost.StartAsync(cancellationToken);
        return clientHost;
    }

    /// <summary>The host's resident set now and at its peak (VmRSS and VmHWM of /proc/PID/status), in bytes.</summary>
    public (long Rss, long Peak) Memory() => ProcessMemory.Read(Pid);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await clientHost.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            clientHost.Dispose();
        }

        // Stopped now rather than at the end of the run, so that the next scenario has the machine to itself; its store too.
        await Process.DisposeAsync();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (Azurite is not null)
        {
            await Azurite.DisposeAsync();
        }
    }
}

/// <summary>Reads VmRSS and VmHWM from /proc.</summary>
public static class ProcessMemory
{
    public static (long Rss, long Peak) Read(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }

        return (rss, peak);

        static long Kilobytes(string line) =>
            long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}

/// <summary>Samples a process's RSS in the background; the maximum seen and the last value.</summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public RssSampler(int pid, TimeSpan? period = null)
    {
        loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(period ?? TimeSpan.FromMilliseconds(500));
            try
            {
                do
                {
                    var (rss, _) = ProcessMemory.Read(pid);
                    Last = rss;
                    Max = Math.Max(Max, rss);
                    Min = Min == 0 ? rss : Math.Min(Min, rss);
                }
                while (await timer.WaitForNextTickAsync(stop.Token));
            }
            catch (OperationCanceledException)
            {
            }
            catch (IOException)
            {
                // The process is gone.
            }
        });
    }

    public long Max { get; private set; }

    public long Min { get; private set; }

    public long Last { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }
}

/// <summary>
/// CPU time of processes (user + system, from /proc/PID/stat) over an interval: unlike throughput, it
/// hardly depends on what else the machine is running, so it tells where the work goes on a noisy machine.
/// </summary>
public sealed class CpuMeter
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly int[] pids;
    private readonly double[] start;
    private readonly TimeSpan ownStart;

    public CpuMeter(params int[] pids)
    {
        this.pids = pids;
        start = pids.Select(Seconds).ToArray();
        ownStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    }

    /// <summary>CPU seconds used since construction by each process given, then by this process (the load generator).</summary>
    public double[] Elapsed() =>
        [.. pids.Select((pid, i) => Seconds(pid) - start[i]), (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - ownStart).TotalSeconds];

    private static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
