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
    private static readonly string[] ScriptCommands = ["cmdstat_eval", "cmdstat_evalsha", "cmdstat_eval_ro", "cmdstat_evalsha_ro"];

    /// <summary>
    /// Requests so far; on Redis also the script calls among them (the commands a script runs count in
    /// Redis's total as well, so round trips lie between the two).
    /// </summary>
    public static async Task<(double Requests, double Scripts)?> CountAsync(HostUnderTest host, CancellationToken cancellationToken)
    {
        if (host.Redis is { } redis)
        {
            await using var connection = await redis.ConnectAsync();
            var server = connection.GetServer("127.0.0.1", redis.Port);
            var stats = (await server.InfoAsync("stats")).SelectMany(g => g);
            var commands = (await server.InfoAsync("commandstats")).SelectMany(g => g);
            // cmdstat_evalsha:calls=12,usec=…
            var scripts = commands.Where(p => ScriptCommands.Contains(p.Key))
                .Sum(p => double.Parse(p.Value.Split(',')[0].Split('=')[1], CultureInfo.InvariantCulture));
            return (double.Parse(stats.First(p => p.Key == "total_commands_processed").Value, CultureInfo.InvariantCulture), scripts);
        }

        if (host.Azurite is null)
        {
            return null;
        }

        return (PrometheusText.Sum(await PrometheusText.ScrapeAsync(host.Http, cancellationToken), "collections_storage_azure_requests_total"), 0);
    }
}
