using System.Globalization;
using Collections.Benchmarks.Infrastructure;

namespace Collections.Benchmarks.Measurement;

/// <summary>
/// Requests the host's store has served so far: Redis's <c>total_commands_processed</c> (INFO stats), or on
/// Azure Storage the host's own <c>collections_storage_azure_requests_total</c> (its /metrics). Per account,
/// this is the figure that carries over from Azurite to Azure, where requests bound throughput and set the bill.
/// </summary>
public static class StoreRequests
{
    public static async Task<double?> CountAsync(HostUnderTest host, CancellationToken cancellationToken)
    {
        if (host.Redis is { } redis)
        {
            await using var connection = await redis.ConnectAsync();
            var stats = (await connection.GetServer("127.0.0.1", redis.Port).InfoAsync("stats")).SelectMany(g => g);
            return double.Parse(stats.First(p => p.Key == "total_commands_processed").Value, CultureInfo.InvariantCulture);
        }

        if (host.Azurite is null)
        {
            return null;
        }

        using var http = new HttpClient { BaseAddress = host.Http };
        var metrics = await http.GetStringAsync("/metrics", cancellationToken);
        // name{labels} value [timestamp]
        return metrics.Split('\n')
            .Where(line => line.StartsWith("collections_storage_azure_requests_total", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }
}
