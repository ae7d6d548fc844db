using System.Globalization;
using Spectre.Console;

namespace Collections.Benchmarks.Measurement;

/// <summary>A line of progress every few seconds while a scenario runs.</summary>
public sealed class Progress : IDisposable
{
    private readonly Timer timer;

    private Progress(TimeSpan period, Func<string> line) =>
        timer = new Timer(_ => Log.Info(line()), null, period, period);

    public static Progress Every(TimeSpan period, Func<string> line) => new(period, line);

    public void Dispose() => timer.Dispose();
}

public static class Log
{
    public static void Info(string message) =>
        AnsiConsole.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(message)}");

    public static void Step(string message) =>
        AnsiConsole.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] [bold]{Markup.Escape(message)}[/]");

    public static void Warn(string message) =>
        AnsiConsole.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss}[/] [yellow]{Markup.Escape(message)}[/]");
}

public static class Format
{
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.00} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0} KiB"),
    };

    public static string Ms(double ms) => double.IsNaN(ms) ? "–" : ms switch
    {
        >= 10_000 => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:0.0} s"),
        >= 100 => string.Create(CultureInfo.InvariantCulture, $"{ms:0} ms"),
        >= 10 => string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ms:0.00} ms"),
    };

    public static string Seconds(double seconds) => double.IsNaN(seconds) ? "–" : string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s");

    public static string Rate(double perSecond) => string.Create(CultureInfo.InvariantCulture, $"{perSecond:N0}/s");

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A same-run ratio of two of our own figures, to two decimals (1.00× = no difference).</summary>
    public static string Factor(double ratio) => double.IsNaN(ratio) || double.IsInfinity(ratio) ? "–" : string.Create(CultureInfo.InvariantCulture, $"{ratio:0.00}×");

    public static string Ratio(double ratio) => double.IsNaN(ratio) || double.IsInfinity(ratio) ? "–" : string.Create(CultureInfo.InvariantCulture, $"{ratio:0.0}×");
}
