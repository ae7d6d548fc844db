using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Collections.Grains.Accounts;

/// <summary><c>Collections:Wake</c>: how an account's wake reminder retries.</summary>
public sealed class WakeOptions
{
    public const string Section = "Collections:Wake";

    /// <summary>
    /// The reminder's period: a tick that fails (or a silo that dies mid-tick) is retried this much
    /// later, since Orleans does not replay a missed tick. Real time; at least the silo's
    /// <c>MinimumReminderPeriod</c> (checked by <see cref="WakeOptionsValidator"/>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Collections:Wake:RetryPeriod must be between 00:00:01 and 1.00:00:00.")]
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromMinutes(1);
}


/// <summary>
/// The one rule that reads another section: Orleans refuses to register a reminder whose period is below
/// its <see cref="ReminderOptions.MinimumReminderPeriod"/>, which would surface only at the first wake.
/// </summary>
public sealed class WakeOptionsValidator(IOptions<ReminderOptions> reminders) : IValidateOptions<WakeOptions>
{
    public ValidateOptionsResult Validate(string? name, WakeOptions options)
    {
        var minimum = reminders.Value.MinimumReminderPeriod;
        return options.RetryPeriod >= minimum
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Collections:Wake:RetryPeriod ({options.RetryPeriod}) must be at least the silo's minimum reminder period ({minimum}).");
    }
}
