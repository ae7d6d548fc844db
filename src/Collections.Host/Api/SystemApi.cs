using Collections.Grains.Time;

namespace Collections.Host.Api;

public sealed record ClockResponse(DateTimeOffset Now, double Speed, DateTimeOffset Start, DateTimeOffset Anchor);

/// <summary>The business clock and health endpoints.</summary>
public static class SystemApi
{
    public static IEndpointRouteBuilder MapSystemApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/clock", (BusinessClock clock) => TypedResults.Ok(new ClockResponse(clock.Now, clock.Speed, clock.Start, clock.Anchor)))
            .WithTags("System")
            .WithName("GetClock")
            .WithSummary("The business clock: now, and how fast it runs");
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }
}
