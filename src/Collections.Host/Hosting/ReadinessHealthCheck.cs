using Collections.Contracts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Collections.Host.Hosting;

/// <summary>
/// Ready when this silo is an active member of the cluster (a silo that is joining or shutting down is
/// not), Redis or Azure Storage answers (when the cluster runs on it), and a grain call round-trips through the cluster
/// and reads grain storage. The API tier has no silo: there the grain call is what shows it is connected.
/// The probe key is outside the id alphabet, so it can never be a real lender.
/// </summary>
public sealed class ReadinessHealthCheck(IGrainFactory grains, IServiceProvider services) : IHealthCheck
{
    private const string ProbeLender = "$readiness";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<ILocalSiloDetails>() is { } silo && services.GetService<IClusterMembershipService>() is { } membership)
        {
            var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
            if (status != SiloStatus.Active)
            {
                return HealthCheckResult.Unhealthy($"This silo is not an active cluster member (status {status}).");
            }
        }

        if (services.GetService<ClusterRedis>() is { } redis)
        {
            try
            {
                var connection = await redis.ConnectAsync().WaitAsync(Timeout, cancellationToken);
                await connection.GetDatabase().PingAsync().WaitAsync(Timeout, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"Redis at {redis.Endpoints} does not answer: {ex.GetType().Name}.");
            }
        }

        if (services.GetService<ClusterAzureStorage>() is { } azure)
        {
            try
            {
                await azure.Tables.GetTableClient(ClusterAzureStorage.ClusterTable)
                    .GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(ProbeLender, ProbeLender, cancellationToken: cancellationToken).WaitAsync(Timeout, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"Azure Storage at {azure.Endpoint} does not answer: {ex.GetType().Name}.");
            }
        }

        try
        {
            await grains.GetGrain<ILenderGrain>(ProbeLender).GetStrategyAsync(1).WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy("The cluster answers and its storage is readable.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The cluster or its storage did not answer: {ex.GetType().Name}.");
        }
    }
}
