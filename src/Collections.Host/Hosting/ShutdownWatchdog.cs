namespace Collections.Host.Hosting;

/// <summary>
/// Bounds how long a stop may take. With Redis up, SIGTERM stops a silo in seconds: it marks itself
/// Dead in the membership table and hands its grains and reminders over. With Redis down, Orleans'
/// membership steps each wait a minute for a table they cannot write, so a stop could take minutes;
/// past <see cref="Limit"/> this process exits anyway (the other silos declare it dead by probing, as
/// after a crash), so that an orchestrator's restart is not held up.
/// </summary>
public sealed partial class ShutdownWatchdog(IHostApplicationLifetime lifetime, ILogger<ShutdownWatchdog> logger) : IHostedService
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(45);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => _ = Task.Run(async () =>
        {
            await Task.Delay(Limit);
            LogForcedExit(logger, Limit.TotalSeconds);
            Environment.Exit(3);
        }));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 3041, Level = LogLevel.Critical, Message = "The stop did not finish within {Seconds} s (is Redis reachable?); exiting without leaving the cluster cleanly")]
    private static partial void LogForcedExit(ILogger logger, double seconds);
}
