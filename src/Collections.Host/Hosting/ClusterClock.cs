using System.Text.Json;
using Collections.Grains.Time;
using Collections.Host.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Collections.Host.Hosting;

/// <summary>Where a cluster keeps its clock record: written once by the first process, read by the others.</summary>
public interface IClockRecordStore
{
    /// <summary>Where the record is, for messages.</summary>
    string Location { get; }

    /// <summary>Stores <paramref name="json"/> unless a record exists; true when this call stored it.</summary>
    Task<bool> TryCreateAsync(string json);

    Task<string?> ReadAsync();
}

/// <summary>The clock record of a Redis cluster: one key, set with SET NX.</summary>
public sealed class RedisClockRecord(ClusterRedis redis, IOptions<CollectionsClusterOptions> cluster) : IClockRecordStore
{
    public string Location => $"Redis key '{ClusterClock.KeyFor(cluster.Value.ServiceId)}'";

    public async Task<bool> TryCreateAsync(string json) =>
        await (await redis.ConnectAsync()).GetDatabase().StringSetAsync(ClusterClock.KeyFor(cluster.Value.ServiceId), json, when: When.NotExists);

    public async Task<string?> ReadAsync() =>
        await (await redis.ConnectAsync()).GetDatabase().StringGetAsync(ClusterClock.KeyFor(cluster.Value.ServiceId));
}

/// <summary>
/// The business clock of a cluster on shared storage. Every process must compute the same business time, so the
/// clock's anchor (the real instant at which business time was <c>Start</c>), start and speed are
/// stored once (Redis or Azure Table storage) by the first process and read by every other one; a cluster restarted
/// later continues the same business time. Given <c>Collections:Clock:Anchor</c>, the configuration is
/// used as it is and nothing is stored.
/// </summary>
public sealed partial class ClusterClock
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IClockRecordStore store;
    private readonly ClockOptions options;
    private readonly ILogger<ClusterClock> logger;
    private readonly Lazy<Task<BusinessClock>> clock;

    public ClusterClock(IClockRecordStore store, IOptions<ClockOptions> options, ILogger<ClusterClock> logger)
    {
        this.store = store;
        this.options = options.Value;
        this.logger = logger;
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

        var now = real.GetUtcNow();
        var proposed = new ClockRecord(options.Start ?? now, now, options.Speed);
        ClockRecord? stored = null;
        var first = false;
        for (var attempt = 0; attempt < 3 && stored is null; attempt++)
        {
            first = await store.TryCreateAsync(JsonSerializer.Serialize(proposed, Json));
            stored = first ? proposed : Parse(await store.ReadAsync());
        }

        if (stored is null)
        {
            throw new StartupFailureException($"The business clock record ({store.Location}) could not be read or written.");
        }

        if (!SameSpeed(stored.Speed, options.Speed) || (options.Start is { } start && start != stored.Start))
        {
            throw new StartupFailureException(
                $"This cluster's business clock ({store.Location}) runs at speed {stored.Speed} from {stored.Start:O} anchored at {stored.Anchor:O}, " +
                $"but this process is configured with Collections:Clock:Speed={options.Speed}" +
                (options.Start is { } configured ? $" and Start={configured:O}" : "") + ". " +
                "Every process of a cluster must agree on business time: configure the cluster's values, or delete that record " +
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

    private static ClockRecord? Parse(string? value)
    {
        if (value is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ClockRecord>(value, Json);
        }
        catch (JsonException ex)
        {
            throw new StartupFailureException($"The business clock record is not valid JSON ({ex.Message}).", ex);
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
