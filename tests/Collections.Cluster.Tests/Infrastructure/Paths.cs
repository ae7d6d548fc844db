using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Collections.Cluster.Tests.Infrastructure;

/// <summary>Where the built host and the production redis.conf are, and free loopback ports.</summary>
public static class Paths
{
    public static string HostDll { get; } = Metadata("HostDll");

    public static string RedisConf { get; } = Metadata("RedisConf");

    /// <summary>A TCP port nothing listens on right now (the OS picks it, so parallel runs do not collide).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
