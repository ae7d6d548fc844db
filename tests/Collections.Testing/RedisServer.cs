using System.Diagnostics;
using StackExchange.Redis;

namespace Collections.Testing;

/// <summary>
/// A redis-server of the test's own: the production deploy/redis.conf (append-only, fsync always,
/// noeviction) on a free loopback port with a data directory in a temp directory, so it never touches a
/// developer's Redis. It can be killed (-9, a crash) and started again on the same port and data. A
/// test that only needs Redis's commands, not its durability, asks for it without persistence.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string directory;
    private readonly bool durable;
    private Process? process;

    private RedisServer(string directory, int port, bool durable)
    {
        this.directory = directory;
        this.durable = durable;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public string DataDirectory => Path.Combine(directory, "data");

    /// <param name="durable">The production append-only file with fsync on every write (a crash loses
    /// nothing acknowledged); false: nothing written to disk, for tests that measure or fill Redis.</param>
    public static async Task<RedisServer> StartAsync(bool durable = true)
    {
        var server = new RedisServer(TestFiles.TempDirectory("redis"), Ports.Free(), durable);
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
            "redis-server is not installed, and these tests need a real one (they start their own on a free loopback port). " +
            "Install it: apt-get install -y redis-server (Debian/Ubuntu; .ci/run does this) or brew install redis.");
    }

    /// <summary>Starts (or restarts) the server on its port and data directory and waits until it answers.</summary>
    public async Task StartProcessAsync()
    {
        // The production configuration with this test's directory; everything else as deployed.
        var conf = File.ReadAllLines(TestFiles.RedisConf)
            .Select(line => line.StartsWith("dir ", StringComparison.Ordinal) ? $"dir {DataDirectory}" : line)
            .Append($"port {Port}")
            .Append("save \"\"") // no RDB snapshots: the AOF alone must carry every acknowledged write
            .Concat(durable ? [] : ["appendonly no"])
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
        TestFiles.TryDelete(directory);
    }
}
