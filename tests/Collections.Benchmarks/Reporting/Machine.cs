using System.Globalization;
using System.Runtime.InteropServices;
using Collections.Benchmarks.Infrastructure;

namespace Collections.Benchmarks.Reporting;

/// <summary>The machine a run ran on, from /proc and the tools' own version output.</summary>
public sealed record Machine(int Cores, string Cpu, long Memory, string Kernel, string Runtime, string Redis, string LoadAverage)
{
    public static async Task<Machine> DescribeAsync(CancellationToken cancellationToken)
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
            RuntimeInformation.FrameworkDescription, redis, string.Join(' ', (await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ').Take(3)));
    }
}
