using System.Globalization;
using System.Text.RegularExpressions;
using Collections.Testing;
using Npgsql;
using StackExchange.Redis;

namespace Collections.Benchmarks.Infrastructure;

/// <summary>A redis-server of this run, with the production settings of deploy/redis.conf.</summary>
public sealed partial class RedisServer : IAsyncDisposable
{
    private RedisServer(int port, ChildProcess process)
    {
        Port = port;
        Process = process;
    }

    public int Port { get; }

    public ChildProcess Process { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>
    /// Starts redis-server on a free port with deploy/redis.conf as it is (append-only, fsync always,
    /// noeviction, its RDB rules) except for its data directory, which is a fresh directory of this run.
    /// </summary>
    public static async Task<RedisServer> StartAsync(Resources resources, string repoRoot, string name, CancellationToken cancellationToken)
    {
        var conf = await File.ReadAllTextAsync(Path.Combine(repoRoot, "deploy", "redis.conf"), cancellationToken);
        var dir = resources.Directory(name);
        conf = DirLine().Replace(conf, $"dir {dir}");
        var port = Ports.Free();
        var process = resources.Own(ChildProcess.Start(
            name, "redis-server", ["-", "--port", port.ToString(CultureInfo.InvariantCulture)], Path.Combine(resources.Root, $"{name}.log"), dir, stdin: conf));
        // Its data is thrown away with the run's directory: no shutdown save to wait for.
        process.StopWith(() => ChildProcess.Signal("KILL", process.Pid));
        var server = new RedisServer(port, process);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await using var connection = await server.ConnectAsync();
                await connection.GetDatabase().PingAsync();
                return server;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (RedisConnectionException ex)
            {
                throw new InvalidOperationException($"redis-server did not start:\n{process.Tail()}", ex);
            }
        }
    }

    public Task<ConnectionMultiplexer> ConnectAsync() =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", Port } },
            AllowAdmin = true,
            ConnectTimeout = 2000,
            SyncTimeout = 30_000,
            AsyncTimeout = 30_000,
            AbortOnConnectFail = true,
        });

    /// <summary>Memory as Redis reports it (used_memory and RSS), in bytes.</summary>
    public async Task<(long Used, long Rss)> MemoryAsync()
    {
        await using var connection = await ConnectAsync();
        var info = (await connection.GetServer("127.0.0.1", Port).InfoAsync("memory")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return (long.Parse(info["used_memory"], CultureInfo.InvariantCulture), long.Parse(info["used_memory_rss"], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// What Redis has done so far (INFO commandstats and stats): calls per command — commands that Lua scripts
    /// run count under their own names, the script under eval/evalsha — and bytes received and sent.
    /// </summary>
    public async Task<RedisStats> StatsAsync()
    {
        await using var connection = await ConnectAsync();
        var server = connection.GetServer("127.0.0.1", Port);
        var commands = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in (await server.InfoAsync("commandstats")).SelectMany(g => g))
        {
            // cmdstat_rpush: calls=12,usec=34,...
            var calls = value.Split(',')[0];
            commands[key["cmdstat_".Length..]] = long.Parse(calls["calls=".Length..], CultureInfo.InvariantCulture);
        }

        var stats = (await server.InfoAsync("stats")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var (used, _) = await MemoryAsync();
        return new RedisStats(commands, long.Parse(stats["total_net_input_bytes"], CultureInfo.InvariantCulture),
            long.Parse(stats["total_net_output_bytes"], CultureInfo.InvariantCulture), used);
    }

    /// <summary>Stops this Redis (its data is thrown away with the run's directory).</summary>
    public ValueTask DisposeAsync() => Process.DisposeAsync();

    [GeneratedRegex(@"^dir .*$", RegexOptions.Multiline)]
    private static partial Regex DirLine();
}

/// <summary>Counters of a Redis server at one moment (see <see cref="RedisServer.StatsAsync"/>).</summary>
public sealed record RedisStats(IReadOnlyDictionary<string, long> Commands, long BytesIn, long BytesOut, long UsedMemory)
{
    /// <summary>What happened between <paramref name="before"/> and this, per account: calls per command (most first), bytes in and out, memory.</summary>
    public RedisCost Since(RedisStats before, int accounts) => new(
        Commands.Select(c => (c.Key, PerAccount: (c.Value - before.Commands.GetValueOrDefault(c.Key)) / (double)accounts))
            .Where(c => c.PerAccount > 0).OrderByDescending(c => c.PerAccount).ToDictionary(c => c.Key, c => c.PerAccount, StringComparer.Ordinal),
        (BytesIn - before.BytesIn) / (double)accounts, (BytesOut - before.BytesOut) / (double)accounts, (UsedMemory - before.UsedMemory) / (double)accounts);
}

/// <summary>Redis work per account of a scenario.</summary>
public sealed record RedisCost(IReadOnlyDictionary<string, double> Commands, double BytesIn, double BytesOut, double Memory)
{
    /// <summary>Commands per account, the top ones by name: "9.0 (evalsha 3.0, hget 2.0, …)".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Commands.Values.Sum():0.0} ({string.Join(", ", Commands.Take(8).Select(c => $"{c.Key} {c.Value:0.##}"))})");
}

/// <summary>
/// A PostgreSQL server of this run for the peer baseline: initdb into a temporary directory and
/// pg_ctl start on a free loopback port. PostgreSQL refuses to run as root, so as root both run as the
/// <c>postgres</c> OS user (Debian's package creates it) through runuser.
/// </summary>
public sealed class PostgresServer
{
    private PostgresServer(int port, string version)
    {
        Port = port;
        Version = version;
    }

    public int Port { get; }

    public string Version { get; }

    public string ConnectionString(int maxPool = 100) =>
        $"Host=127.0.0.1;Port={Port};Username=bench;Database=postgres;Maximum Pool Size={maxPool};Timeout=30;Command Timeout=120;No Reset On Close=true";

    public static async Task<PostgresServer> StartAsync(Resources resources, CancellationToken cancellationToken)
    {
        var bin = FindBin();
        var root = Environment.UserName == "root";
        var dir = resources.Directory("postgres");
        var data = Path.Combine(dir, "data");
        if (root)
        {
            await ChildProcess.RunAsync("chown", ["-R", "postgres:postgres", dir], cancellationToken);
        }

        IEnumerable<string> As(string tool, params string[] args) =>
            root ? ["-u", "postgres", "--", Path.Combine(bin, tool), .. args] : args;
        string Runner(string tool) => root ? "runuser" : Path.Combine(bin, tool);

        // --no-sync only skips fsync of initdb's own files; the server below runs with fsync and synchronous_commit on (the defaults).
        await ChildProcess.RunAsync(Runner("initdb"), As("initdb", "-D", data, "-U", "bench", "-A", "trust", "-E", "UTF8", "--no-sync"), cancellationToken);
        var port = Ports.Free();
        var options = string.Join(' ',
            $"-p {port}", "-c listen_addresses=127.0.0.1", $"-c unix_socket_directories={dir}", "-c max_connections=200",
            "-c shared_buffers=512MB", "-c fsync=on", "-c synchronous_commit=on", "-c logging_collector=off");
        var log = Path.Combine(dir, "postgres.log");
        var server = new PostgresServer(port, "");
        resources.Own(new PgStopper(Runner("pg_ctl"), As("pg_ctl", "stop", "-D", data, "-m", "immediate", "-w", "-t", "20").ToArray(), data));
        await ChildProcess.RunAsync(Runner("pg_ctl"), As("pg_ctl", "start", "-D", data, "-o", options, "-l", log, "-w", "-t", "60"), cancellationToken);
        await using var connection = new NpgsqlConnection(server.ConnectionString());
        await connection.OpenAsync(cancellationToken);
        return new PostgresServer(port, connection.PostgreSqlVersion.ToString());
    }

    private static string FindBin()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).ToList()
            : [];
        return versions.Select(v => Path.Combine(v, "bin")).FirstOrDefault(b => File.Exists(Path.Combine(b, "pg_ctl")))
            ?? throw new InvalidOperationException("PostgreSQL is not installed: apt-get install -y postgresql (the baseline needs initdb and pg_ctl).");
    }

    /// <summary>pg_ctl stop -m immediate, and a SIGKILL of the postmaster if that fails.</summary>
    private sealed class PgStopper(string runner, string[] arguments, string data) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            var pidFile = Path.Combine(data, "postmaster.pid");
            if (!File.Exists(pidFile))
            {
                return;
            }

            var pid = int.Parse((await File.ReadAllLinesAsync(pidFile))[0], CultureInfo.InvariantCulture);
            try
            {
                await ChildProcess.RunAsync(runner, arguments, CancellationToken.None);
            }
            catch (InvalidOperationException)
            {
                await ChildProcess.Signal("KILL", pid);
            }
        }
    }
}

/// <summary>
/// An Azurite (the Azure Storage emulator) of this run, for <c>--provider AzureStorage</c>: on free loopback
/// ports with a fresh data directory on disk (not in memory, so that it writes as a store would), stopped and
/// deleted with the run. Its figures are the emulator's, not Azure's.
/// </summary>
public sealed class AzuriteStore : IAsyncDisposable
{
    private AzuriteStore(ChildProcess process, string connectionString)
    {
        Process = process;
        ConnectionString = connectionString;
    }

    public ChildProcess Process { get; }

    public string ConnectionString { get; }

    public static async Task<AzuriteStore> StartAsync(Resources resources, string name, CancellationToken cancellationToken)
    {
        var dir = resources.Directory(name);
        var (blob, queue, table) = (Ports.Free(), Ports.Free(), Ports.Free());
        string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
        var process = resources.Own(ChildProcess.Start(
            name, AzuriteServer.Executable(),
            [
                "--location", dir, "--skipApiVersionCheck", "--disableProductStyleUrl",
                "--blobHost", "127.0.0.1", "--blobPort", Port(blob),
                "--queueHost", "127.0.0.1", "--queuePort", Port(queue),
                "--tableHost", "127.0.0.1", "--tablePort", Port(table),
            ],
            Path.Combine(resources.Root, $"{name}.log"), dir));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in new[] { blob, queue, table })
        {
            while (true)
            {
                using var client = new System.Net.Sockets.TcpClient();
                try
                {
                    await client.ConnectAsync(System.Net.IPAddress.Loopback, port, cancellationToken);
                    break;
                }
                catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(100, cancellationToken);
                }
                catch (System.Net.Sockets.SocketException ex)
                {
                    throw new InvalidOperationException($"azurite did not start:\n{process.Tail()}", ex);
                }
            }
        }

        return new AzuriteStore(process, AzuriteServer.ConnectionStringFor(blob, queue, table));
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
