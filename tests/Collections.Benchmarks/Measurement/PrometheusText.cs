using System.Globalization;

namespace Collections.Benchmarks.Measurement;

/// <summary>Reads counters from the host's <c>/metrics</c> (the Prometheus text format: <c>name{labels} value [timestamp]</c>).</summary>
public static class PrometheusText
{
    public static async Task<string[]> ScrapeAsync(Uri host, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = host, Timeout = TimeSpan.FromSeconds(30) };
        return (await http.GetStringAsync("/metrics", cancellationToken)).Split('\n');
    }

    /// <summary>The sum of the samples of <paramref name="name"/> (every label set, or those containing <paramref name="label"/>).</summary>
    public static double Sum(IEnumerable<string> lines, string name, string? label = null) => lines
        .Where(line => (line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            && (label is null || line.Contains(label, StringComparison.Ordinal)))
        .Sum(line => double.Parse(
            (line.Contains('}', StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[line.IndexOf(' ', StringComparison.Ordinal)..]).Trim().Split(' ')[0],
            CultureInfo.InvariantCulture));
}
