namespace Collections.Grains.Time;

/// <summary>
/// Business time: <c>Start + (real − Anchor) × Speed</c>. Production runs at speed 1; a demo runs
/// faster so a whole lifecycle can be watched; tests drive the real clock underneath with a fake.
/// Every silo of a cluster must use the same <see cref="Anchor"/> so that they agree on the date.
/// Deliberately not registered as the unkeyed <see cref="TimeProvider"/>: Orleans' own timers must keep real time.
/// </summary>
public sealed class BusinessClock(TimeProvider real, DateTimeOffset start, DateTimeOffset anchor, double speed)
{
    public TimeProvider Real { get; } = real;

    public DateTimeOffset Start { get; } = start;

    public DateTimeOffset Anchor { get; } = anchor;

    public double Speed { get; } = speed > 0 ? speed : throw new ArgumentOutOfRangeException(nameof(speed), speed, "The clock speed must be positive.");

    public DateTimeOffset Now => Start + (Real.GetUtcNow() - Anchor) * Speed;

    /// <summary>The real time to wait until a business instant (zero if it has passed).</summary>
    public TimeSpan RealDelayUntil(DateTimeOffset businessInstant)
    {
        var business = businessInstant - Now;
        return business <= TimeSpan.Zero ? TimeSpan.Zero : business / Speed;
    }
}
