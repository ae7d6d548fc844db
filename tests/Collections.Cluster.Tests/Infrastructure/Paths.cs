using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Collections.Cluster.Tests.Infrastructure;

/// <summary>Where the built host and the production redis.conf are, and free loopback ports.</summary>
public static class Paths
{
    public static string HostDll { get; } = Metadata("HostDll");

    public static string RedisConf { get; } = Metadata("RedisConf");

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A TCP port nothing listens on right now. Chosen below Linux's ephemeral range (32768–60999), where
    /// outgoing connections take their local ports, so that a port handed out here is not taken by a
    /// connection before the process that was given it binds it; never the same port twice in a run.
    /// </summary>
    public static int FreePort()
    {
        lock (HandedOut)
        {
            while (true)
            {
                var port = Random.Shared.Next(20_000, 32_000);
                if (!HandedOut.Add(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // In use: try another.
                }
            }
        }
    }

    /// <summary>A fresh directory under the system temp directory.</summary>
    public static string TempDirectory(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), $"collections-{purpose}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
