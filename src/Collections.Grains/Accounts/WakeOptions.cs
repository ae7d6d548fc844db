namespace Collections.Grains.Accounts;

/// <summary>How an account's wake reminder retries.</summary>
public sealed class WakeOptions
{
    public const string Section = "Collections:Wake";

    /// <summary>
    /// The reminder's period: a tick that fails (or a silo that dies mid-tick) is retried this much
    /// later, since Orleans does not replay a missed tick. Real time; at least the silo's
    /// <c>MinimumReminderPeriod</c>.
    /// </summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
