using System.Net;
using Collections.Grains.Storage;
using Collections.Host.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Collections.Host.Hosting;

/// <summary>
/// The one Redis connection of this process, shared by the event store, the clock and Orleans' clustering,
/// grain storage and reminder providers. The first connection must succeed within a few seconds (a silo
/// pointed at the wrong Redis stops at once with a message saying so); after that StackExchange.Redis
/// reconnects on its own, and while it is disconnected commands fail at once instead of queueing, so
/// that requests during an outage get a quick 503 rather than a hang.
/// </summary>
public sealed partial class ClusterRedis : IAsyncDisposable
{
    private readonly ILogger<ClusterRedis> logger;
    private readonly Lazy<Task<IConnectionMultiplexer>> connection;

    public ClusterRedis(IOptions<StorageOptions> storage, ILogger<ClusterRedis> logger)
    {
        this.logger = logger;
        Options = ParseOptions(storage.Value.Redis ?? throw new InvalidOperationException("Collections:Storage:Redis is required."));
        Endpoints = string.Join(", ", Options.EndPoints.Select(Describe));
        connection = new(ConnectCoreAsync);
    }

    /// <summary>The parsed connection options (the password is never logged).</summary>
    public ConfigurationOptions Options { get; }

    /// <summary>The configured endpoints, for messages: host:port only, never credentials.</summary>
    public string Endpoints { get; }

    /// <summary>True when every endpoint is on this machine: the cluster is a local one and silos advertise loopback.</summary>
    public bool IsLoopback => Options.EndPoints.All(IsLoopbackEndPoint);

    /// <summary>The connection; the first call connects, or throws <see cref="StartupFailureException"/> saying why it could not.</summary>
    public Task<IConnectionMultiplexer> ConnectAsync() => connection.Value;

    /// <summary>
    /// Parses a StackExchange.Redis connection string and applies this service's defaults where the
    /// string does not say otherwise.
    /// </summary>
    public static ConfigurationOptions ParseOptions(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        if (!Mentions(connectionString, "connectTimeout"))
        {
            options.ConnectTimeout = 3000;
        }

        if (!Mentions(connectionString, "connectRetry"))
        {
            options.ConnectRetry = 1;
        }

        if (!Mentions(connectionString, "name"))
        {
            options.ClientName = "collections";
        }

        // Fail the first connect rather than start a silo that cannot store anything.
        options.AbortOnConnectFail = true;

        // While disconnected, fail commands at once (-> 503) instead of holding them for the timeout.
        options.BacklogPolicy = BacklogPolicy.FailFast;

        // Reconnect every second after an outage rather than backing off exponentially.
        options.ReconnectRetryPolicy = new LinearRetry(1000);
        return options;
    }

    public async ValueTask DisposeAsync()
    {
        if (connection.IsValueCreated && connection.Value.IsCompletedSuccessfully)
        {
            await connection.Value.Result.DisposeAsync();
        }
    }

    private async Task<IConnectionMultiplexer> ConnectCoreAsync()
    {
        var started = Environment.TickCount64;
        try
        {
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(Options);
            LogConnected(logger, Endpoints, Environment.TickCount64 - started);
            multiplexer.ConnectionFailed += (_, e) => LogConnectionLost(logger, Describe(e.EndPoint), e.FailureType);
            multiplexer.ConnectionRestored += (_, e) =>
            {
                var endpoint = Describe(e.EndPoint);
                LogConnectionRestored(logger, endpoint);
            };
            return multiplexer;
        }
        catch (RedisException ex)
        {
            // SE.Redis's own message suggests abortConnect=false, which would only trade this clear stop for a hang.
            var reason = ex is RedisConnectionException connectionFailure ? connectionFailure.FailureType.ToString() : ex.GetType().Name;
            throw new StartupFailureException(
                $"Redis at {Endpoints} (Collections:Storage:Redis) is not reachable ({reason} after {Environment.TickCount64 - started} ms). " +
                "Start Redis (deploy/cluster.sh does) or fix the connection string; this process is stopping.", ex);
        }
    }

    private static bool Mentions(string connectionString, string option) =>
        connectionString.Split(',').Any(part => part.Trim().StartsWith(option + "=", StringComparison.OrdinalIgnoreCase));

    private static bool IsLoopbackEndPoint(EndPoint endPoint) => endPoint switch
    {
        IPEndPoint ip => IPAddress.IsLoopback(ip.Address),
        DnsEndPoint dns => string.Equals(dns.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(dns.Host, out var address) && IPAddress.IsLoopback(address)),
        _ => false,
    };

    private static string Describe(EndPoint? endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        null => "(unknown)",
        _ => endPoint.ToString() ?? "(unknown)",
    };

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Connected to Redis at {Endpoints} in {ElapsedMs} ms")]
    private static partial void LogConnected(ILogger logger, string endpoints, long elapsedMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Lost the connection to Redis at {Endpoint} ({FailureType}); requests that need storage answer 503 until it is back")]
    private static partial void LogConnectionLost(ILogger logger, string endpoint, ConnectionFailureType failureType);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Reconnected to Redis at {Endpoint}")]
    private static partial void LogConnectionRestored(ILogger logger, string endpoint);
}

/// <summary>This process cannot start, for a reason an operator can fix; the message says which.</summary>
public sealed class StartupFailureException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>The startup failure behind <paramref name="exception"/>, however the host wrapped it.</summary>
    public static StartupFailureException? Find(Exception? exception) => exception switch
    {
        null => null,
        StartupFailureException failure => failure,
        AggregateException aggregate => aggregate.InnerExceptions.Select(Find).FirstOrDefault(f => f is not null),
        _ => Find(exception.InnerException),
    };

    /// <summary>What the configuration validators said behind <paramref name="exception"/>, however the host or Orleans wrapped it.</summary>
    public static IReadOnlyList<string> ConfigurationErrors(Exception? exception) => exception switch
    {
        null => [],
        OptionsValidationException invalid => [.. invalid.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(ConfigurationErrors)],
        _ => ConfigurationErrors(exception.InnerException),
    };
}
