namespace Collections.Host.Hosting;

/// <summary>
/// Runs before the silo (or client) starts: connects to Redis and agrees on the business clock, so that a
/// process pointed at an unreachable Redis stops within seconds with a message that says so, instead of
/// hanging in Orleans' membership start-up.
/// </summary>
public sealed partial class RedisStartupCheck(ClusterRedis redis, ClusterClock clock, ILogger<RedisStartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await redis.ConnectAsync().WaitAsync(cancellationToken);
            await clock.ResolveAsync().WaitAsync(cancellationToken);
        }
        catch (StartupFailureException ex)
        {
            LogCannotStart(logger, ex.Message);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 3021, Level = LogLevel.Critical, Message = "Cannot start: {Reason}")]
    private static partial void LogCannotStart(ILogger logger, string reason);
}
