using System.Text.Json;
using Collections.Grains.Time;
using Collections.Host.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Collections.Host.Hosting;

/// <summary>
/// The business clock of a Redis cluster. Every process must compute the same business time, so the
/// clock's anchor (the real instant at which business time was <c>Start</c>), start and speed are
/// stored once in Redis by the first process (SET NX) and read by every other one; a cluster restarted
/// later continues the same business time. Given <c>Collections:Clock:Anchor</c>, the configuration is
/// used as it is and nothing is stored.
/// </summary>
public sealed partial class ClusterClock
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ClusterRedis redis;
    private readonly ClockOptions options;
    private readonly string key;
    private readonly ILogger<ClusterClock> logger;
    private readonly Lazy<Task<BusinessClock>> clock;

    public ClusterClock(ClusterRedis redis, IOptions<ClockOptions> options, IOptions<CollectionsClusterOptions> cluster, ILogger<ClusterClock> logger)
    {
        this.redis = redis;
        this.options = options.Value;
        this.logger = logger;
        key = KeyFor(cluster.Value.ServiceId);
        clock = new(ResolveCoreAsync);
    }

    /// <summary>The Redis key of the service's clock record.</summary>
    public static string KeyFor(string serviceId) => $"{serviceId}/clock";

    /// <summary>The clock, read or set once; a start-up check awaits it before the silo starts.</summary>
    public Task<BusinessClock> ResolveAsync() => clock.Value;

    /// <summary>
    /// The clock for dependency injection. The start-up check has resolved it before anything asks, so
    /// this does not block in practice; an early request at most waits for that check.
    /// </summary>
    public BusinessClock Clock => clock.Value.GetAwaiter().GetResult();

    private async Task<BusinessClock> ResolveCoreAsync()
    {
        var real = TimeProvider.System;
        if (options.Anchor is { } anchor)
        {
            return new BusinessClock(real, options.Start ?? anchor, anchor, options.Speed);
        }

        var database = (await redis.ConnectAsync()).GetDatabase();
        var now = real.GetUtcNow();
        var proposed = new ClockRecord(options.Start ?? now, now, options.Speed);
        ClockRecord? stored = null;
        var first = false;
        for (var attempt = 0; attempt < 3 && stored is null; attempt++)
        {
            first = await database.StringSetAsync(key, JsonSerializer.Serialize(proposed, Json), when: When.NotExists);
            stored = first ? proposed : Parse(await database.StringGetAsync(key));
        }

        if (stored is null)
        {
            throw new StartupFailureException($"The business clock record '{key}' in Redis could not be read or written.");
        }

        if (!SameSpeed(stored.Speed, options.Speed) || (options.Start is { } start && start != stored.Start))
        {
            throw new StartupFailureException(
                $"This cluster's business clock (Redis key '{key}') runs at speed {stored.Speed} from {stored.Start:O} anchored at {stored.Anchor:O}, " +
                $"but this process is configured with Collections:Clock:Speed={options.Speed}" +
                (options.Start is { } configured ? $" and Start={configured:O}" : "") + ". " +
                "Every process of a cluster must agree on business time: configure the cluster's values, or delete that key " +
                "while every process is stopped to start business time afresh.");
        }

        if (first)
        {
            LogClockSet(logger, stored.Start, stored.Anchor, stored.Speed);
        }
        else
        {
            LogClockJoined(logger, stored.Start, stored.Anchor, stored.Speed);
        }

        return new BusinessClock(real, stored.Start, stored.Anchor, stored.Speed);
    }

    private static ClockRecord? Parse(RedisValue value)
    {
        if (value.IsNull)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ClockRecord>((string)value!, Json);
        }
        catch (JsonException ex)
        {
            throw new StartupFailureException($"The business clock record in Redis is not valid JSON ({ex.Message}).", ex);
        }
    }

    private static bool SameSpeed(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(Math.Abs(a), Math.Abs(b));

    /// <summary>The stored clock: <c>{"start":…,"anchor":…,"speed":…}</c>.</summary>
    private sealed record ClockRecord(DateTimeOffset Start, DateTimeOffset Anchor, double Speed);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Set the cluster's business clock: {Start:O} at real {Anchor:O}, speed {Speed}")]
    private static partial void LogClockSet(ILogger logger, DateTimeOffset start, DateTimeOffset anchor, double speed);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Joined the cluster's business clock: {Start:O} at real {Anchor:O}, speed {Speed}")]
    private static partial void LogClockJoined(ILogger logger, DateTimeOffset start, DateTimeOffset anchor, double speed);
}
