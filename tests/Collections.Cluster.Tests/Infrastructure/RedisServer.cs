using System.Diagnostics;
using StackExchange.Redis;

namespace Collections.Cluster.Tests.Infrastructure;

/// <summary>
/// A redis-server of the test's own: the production deploy/redis.conf (append-only, fsync always,
/// noeviction) on a free loopback port with a data directory in a temp directory, so it never touches a
/// developer's Redis. It can be killed (-9, a crash) and started again on the same port and data.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string directory;
    private Process? process;

    private RedisServer(string directory, int port)
    {
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public string DataDirectory => Path.Combine(directory, "data");

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(Paths.TempDirectory("redis"), Paths.FreePort());
        Directory.CreateDirectory(server.DataDirectory);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Where redis-server is, or a failure that says how to install it.</summary>
    public static string Executable()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator)
            .Append("/usr/bin").Append("/usr/sbin").Append("/usr/local/bin")
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
        return found ?? throw new InvalidOperationException(
            "redis-server is not installed, and the cluster tests need a real one (they start their own on a free loopback port). " +
            "Install it: apt-get install -y redis-server (Debian/Ubuntu; .ci/run does this) or brew install redis.");
    }

    /// <summary>Starts (or restarts) the server on its port and data directory and waits until it answers.</summary>
    public async Task StartProcessAsync()
    {
        // The production configuration with this test's directory; everything else as deployed.
        var conf = File.ReadAllLines(Paths.RedisConf)
            .Select(line => line.StartsWith("dir ", StringComparison.Ordinal) ? $"dir {DataDirectory}" : line)
            .Append($"port {Port}")
            .Append("save \"\"") // no RDB snapshots: the AOF alone must carry every acknowledged write
            .Append($"logfile {Path.Combine(directory, "redis.log")}");
        var confPath = Path.Combine(directory, "redis.conf");
        await File.WriteAllLinesAsync(confPath, conf);

        var start = new ProcessStartInfo(Executable(), confPath) { RedirectStandardOutput = true, RedirectStandardError = true };
        process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},connectTimeout=500");
                if ((await connection.GetDatabase().ExecuteAsync("PING")).ToString() == "PONG")
                {
                    return;
                }
            }
            catch (RedisException) when (deadline.Elapsed < TimeSpan.FromSeconds(20) && !process.HasExited)
            {
                // Not listening yet, or still loading the append-only file.
            }

            if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                var log = Path.Combine(directory, "redis.log");
                throw new InvalidOperationException($"redis-server did not start on port {Port}: {(File.Exists(log) ? File.ReadAllText(log) : "no log")}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>kill -9: a crash. Whatever Redis acknowledged must be in its append-only file already.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>A connection for the test's own checks (admin commands allowed).</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() =>
        ConnectionMultiplexer.ConnectAsync($"{ConnectionString},allowAdmin=true,connectTimeout=2000,syncTimeout=20000,asyncTimeout=20000");

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process?.Dispose();
        TryDelete(directory);
    }

    internal static void TryDelete(string path)
    {
        if (Environment.GetEnvironmentVariable("COLLECTIONS_KEEP_TEST_DATA") == "1")
        {
            return;
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
