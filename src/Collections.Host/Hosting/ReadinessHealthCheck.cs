using Collections.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Collections.Host.Hosting;

/// <summary>
/// Ready when a grain call round-trips through the cluster and reads grain storage. The key is outside
/// the id alphabet, so it can never be a real lender.
/// </summary>
public sealed class ReadinessHealthCheck(IGrainFactory grains) : IHealthCheck
{
    private const string ProbeLender = "$readiness";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<ILenderGrain>(ProbeLender).GetStrategyAsync(1).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy("The cluster answers and its storage is readable.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The cluster or its storage did not answer: {ex.GetType().Name}.");
        }
    }
}
