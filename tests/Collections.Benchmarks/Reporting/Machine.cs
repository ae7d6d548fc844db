using System.Globalization;
using System.Runtime.InteropServices;
using Collections.Benchmarks.Infrastructure;

namespace Collections.Benchmarks.Reporting;

/// <summary>The machine a run ran on, from /proc and the tools' own version output.</summary>
public sealed record Machine(int Cores, string Cpu, long Memory, string Kernel, string Runtime, string Redis, string LoadAverage)
{
    /// <summary>What was measured: the repository's commit (and whether the work tree differed from it) and the host build's time.</summary>
    public string Build { get; init; } = "";

    public static async Task<Machine> DescribeAsync(string repo, string hostDll, CancellationToken cancellationToken)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kib = long.Parse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        string redis;
        try
        {
            redis = (await ChildProcess.RunAsync("redis-server", ["--version"], cancellationToken)).Split(' ').FirstOrDefault(p => p.StartsWith("v=", StringComparison.Ordinal))?[2..] ?? "?";
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            redis = "not installed";
        }

        return new Machine(
            Environment.ProcessorCount, cpu, kib * 1024, (await File.ReadAllTextAsync("/proc/sys/kernel/osrelease", cancellationToken)).Trim(),
            RuntimeInformation.FrameworkDescription, redis, string.Join(' ', (await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ').Take(3)))
        {
            Build = await BuildAsync(repo, hostDll, cancellationToken),
        };
    }

    private static async Task<string> BuildAsync(string repo, string hostDll, CancellationToken cancellationToken)
    {
        var built = File.GetLastWriteTimeUtc(hostDll).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        try
        {
            var commit = (await ChildProcess.RunAsync("git", ["-C", repo, "rev-parse", "--short", "HEAD"], cancellationToken)).Trim();
            var changed = (await ChildProcess.RunAsync("git", ["-C", repo, "status", "--porcelain", "--", "src"], cancellationToken))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            return $"commit {commit}{(changed > 0 ? $" + {changed} changed file(s) under src/" : "")}, host built {built}";
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"host built {built}";
        }
    }
}
