using Collections.Contracts;
using Collections.Grains.Telemetry;
using Collections.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Collections.Host.Hosting;

/// <summary>
/// Keeps the <c>collections.accounts</c> gauge (active accounts by lender and stage) current: every
/// <see cref="CollectionsMetricsOptions.AccountsRefresh"/> it reads each lender's pre-aggregated portfolio counters
/// through the same grains as the portfolio endpoint — never a scan of accounts — and hands the counts
/// to <see cref="CollectionsMetrics"/>, whose callback only reads that snapshot.
/// </summary>
/// <remarks>
/// Every host process (silo or API tier) runs this and exports the same cluster-wide value, so that any
/// one scrape target answers and losing a silo loses nothing. Aggregate across instances with
/// <c>max by (lender, stage)</c>, never <c>sum</c>.
/// </remarks>
public sealed partial class AccountsGaugeRefresh(
    IGrainFactory grains,
    CollectionsMetrics metrics,
    IOptions<CollectionsMetricsOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<AccountsGaugeRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Grains answer only once the silo (or the client's connection) has started.
        if (!await Started(stoppingToken))
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.AccountsRefresh);
        do
        {
            try
            {
                metrics.AccountsByStage(await ReadAsync());
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The last snapshot stays: a gauge a little stale beats a gap while the cluster recovers.
                LogRefreshFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<List<(string Lender, string Stage, long Count)>> ReadAsync()
    {
        var lenders = await grains.GetGrain<IPortfolioDirectoryGrain>(0).GetLendersAsync();
        var counters = await Task.WhenAll(lenders.Select(l => grains.GetGrain<IPortfolioGrain>(l).GetCountersAsync()));
        return [.. lenders.Zip(counters).SelectMany(l => StageCounts(l.First, l.Second))];
    }

    /// <summary>The <c>stage|{stage}</c> counters (active accounts per stage; "None" before the first stage).</summary>
    private static IEnumerable<(string Lender, string Stage, long Count)> StageCounts(string lender, Dictionary<string, long> counters) =>
        counters.Select(c => (c.Key.Split('|'), c.Value))
            .Where(c => c.Item1 is ["stage", _])
            .Select(c => (lender, c.Item1[1], c.Value));

    private async Task<bool> Started(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled());
        try
        {
            await started.Task;
            return true;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 3051, Level = LogLevel.Warning, Message = "Could not refresh the collections.accounts gauge from the portfolio figures; keeping the last values")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
