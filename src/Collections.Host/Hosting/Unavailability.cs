using System.Net.Sockets;
using Orleans.Serialization;
using StackExchange.Redis;

namespace Collections.Host.Hosting;

/// <summary>
/// Recognises failures that mean "the cluster or its storage cannot be reached right now" (worth a 503
/// and a retry) however they arrive: thrown here, thrown in a grain and sent back by Orleans (possibly as
/// <see cref="UnavailableExceptionFallbackException"/> when the type is not known to the serializer), or
/// wrapped by the Orleans Redis providers, which rethrow StackExchange.Redis failures as their own
/// exception types with the original type name in the message.
/// </summary>
public static class Unavailability
{
    // The Orleans Redis providers' wrappers (Orleans.Persistence.Redis, .Clustering.Redis, .Reminders.Redis).
    private static readonly string[] ProviderExceptionTypes =
    [
        "Orleans.Persistence.Redis.RedisStorageException",
        "Orleans.Clustering.Redis.RedisClusteringException",
        "Orleans.Reminders.Redis.RedisRemindersException",
    ];

    // Replies of a Redis that is up but cannot serve now: loading its AOF, failing over, busy with a
    // script, unable to persist (MISCONF) or out of memory under noeviction (OOM). Writes are refused,
    // nothing is lost; the client should retry later.
    private static readonly string[] TransientServerErrors =
        ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS", "MISCONF", "OOM"];

    public static bool IsTransient(Exception? exception, int depth = 0) => exception is not null && depth < 8 && exception switch
    {
        TimeoutException or OrleansException or SocketException or RedisConnectionException => true,
        // Azure Storage unreachable (status 0), timing out, throttling (the account's or a partition's targets) or failing over.
        Azure.RequestFailedException { Status: 0 or 408 or 429 or 500 or 502 or 503 or 504 } => true,
        RedisServerException server => IsTransientReply(server.Message) || IsTransient(server.InnerException, depth + 1),
        UnavailableExceptionFallbackException fallback => IsTransientType(fallback.ExceptionType, fallback.Message),
        AggregateException aggregate => aggregate.InnerExceptions.Any(inner => IsTransient(inner, depth + 1)),
        _ => IsTransientType(exception.GetType().FullName, exception.Message) || IsTransient(exception.InnerException, depth + 1),
    };

    private static bool IsTransientType(string? typeName, string message)
    {
        // A fallback may carry an assembly-qualified name.
        var name = typeName?.Split(',', 2)[0].Trim();
        return name switch
        {
            null => false,
            "StackExchange.Redis.RedisConnectionException" or "StackExchange.Redis.RedisTimeoutException" => true,
            "StackExchange.Redis.RedisServerException" => IsTransientReply(message),
            // The providers keep only the message of what they caught, which starts with its type name.
            _ when ProviderExceptionTypes.Contains(name, StringComparer.Ordinal) =>
                message.Contains("RedisConnectionException", StringComparison.Ordinal)
                || message.Contains("RedisTimeoutException", StringComparison.Ordinal)
                || IsTransientReply(message),
            _ => false,
        };
    }

    // SE.Redis may prefix the reply ("SimpleError: MISCONF …"), and the providers put it after a type name.
    private static bool IsTransientReply(string message) =>
        TransientServerErrors.Any(code =>
            message.StartsWith(code + " ", StringComparison.Ordinal) || message.Contains(": " + code + " ", StringComparison.Ordinal));
}
