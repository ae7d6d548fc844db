using System.Reflection;

namespace Collections.Testing;

/// <summary>Where the repository, the built host and the production redis.conf are, and the tests' temporary directories.</summary>
public static class TestFiles
{
    /// <summary>The repository's root (where Collections.Orleans.sln is).</summary>
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    /// <summary>The built Collections.Host.dll, for tests that run the host as its own process.</summary>
    public static string HostDll { get; } = Metadata("HostDll");

    /// <summary>The production Redis configuration (deploy/redis.conf).</summary>
    public static string RedisConf { get; } = Path.Combine(RepositoryRoot, "deploy", "redis.conf");

    /// <summary>A fresh directory under the system temp directory.</summary>
    public static string TempDirectory(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), $"collections-{purpose}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes a test's directory, unless COLLECTIONS_KEEP_TEST_DATA=1 asks to keep it for a post-mortem.</summary>
    public static void TryDelete(string path)
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

    private static string Metadata(string key) =>
        typeof(TestFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
