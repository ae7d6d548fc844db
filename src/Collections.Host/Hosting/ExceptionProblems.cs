using Collections.Grains.Storage;
using Collections.Host.Api;
using Microsoft.AspNetCore.Diagnostics;

namespace Collections.Host.Hosting;

/// <summary>
/// Maps failures to problem responses that say what to do: malformed bodies are the client's to fix
/// (400), an unreachable cluster or store is worth a retry (503), anything else is ours (500, no details).
/// </summary>
public sealed partial class ExceptionProblems(ILogger<ExceptionProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var context = httpContext;
        switch (exception)
        {
            case BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType }:
                await Problems.Write(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", RequestBodies.UnsupportedContentType(context));
                return true;
            case BadHttpRequestException bad:
                await Problems.Write(context, bad.StatusCode, "Bad request", RequestBodies.Unreadable(context, bad));
                return true;
            case EventStoreConcurrencyException:
                await Problems.Write(context, StatusCodes.Status409Conflict, "Concurrent change", exception.Message);
                return true;
            case var unavailable when Unavailability.IsTransient(unavailable):
                LogUnavailable(logger, exception.GetType().Name, context.Request.Path);
                context.Response.Headers.RetryAfter = "5";
                await Problems.Write(context, StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                    "The cluster or its storage is not reachable right now; nothing was changed by this request unless its response says so. Retry shortly.");
                return true;
            default:
                LogFailed(logger, exception, context.Request.Path);
                await Problems.Write(context, StatusCodes.Status500InternalServerError, "Internal error",
                    $"The request failed on our side; the trace id is {context.TraceIdentifier}.");
                return true;
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Request to {Path} failed: the cluster or storage is unavailable ({ExceptionType})")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, PathString path);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Request to {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, PathString path);
}
