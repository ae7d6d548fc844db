namespace Collections.Domain;

/// <summary>Business dates in the debtor's own time zone, so that a day starts at local midnight (DST included).</summary>
public static class BusinessCalendar
{
    /// <summary>The earliest date the domain accepts: older ones are typing errors, not debts.</summary>
    public static readonly DateOnly MinDate = new(1900, 1, 1);

    /// <summary>
    /// The latest date the domain accepts. Far enough for any plan or due date, and far enough from
    /// <see cref="DateOnly.MaxValue"/> that no deadline, grace or stage threshold added to it can overflow.
    /// </summary>
    public static readonly DateOnly MaxDate = new(2199, 12, 31);

    /// <summary>Whether a date is within <see cref="MinDate"/>..<see cref="MaxDate"/>.</summary>
    public static bool Accepts(DateOnly date) => date >= MinDate && date <= MaxDate;

    /// <summary>What a date outside the bounds must be changed to, for an error message.</summary>
    public static string AcceptedRange => $"between {Iso(MinDate)} and {Iso(MaxDate)}";

    public static TimeZoneInfo Zone(string timeZoneId) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone) ? zone : TimeZoneInfo.Utc;

    public static DateOnly LocalDate(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>Days past due: business date minus the oldest unpaid due date (negative before it).</summary>
    public static int DaysPastDue(DateOnly dueDate, DateTimeOffset now, TimeZoneInfo zone) =>
        LocalDate(now, zone).DayNumber - dueDate.DayNumber;

    /// <summary>The first instant after the local date <paramref name="lastDay"/> ends: when a deadline "by <paramref name="lastDay"/>" has passed.</summary>
    public static DateTimeOffset EndOfDay(DateOnly lastDay, TimeZoneInfo zone) => StartOfDay(lastDay.AddDays(1), zone);

    /// <summary>A date as <c>yyyy-MM-dd</c>, for messages and wake reasons.</summary>
    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The instant a local date begins; on a DST gap day, the first valid local time after midnight.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone) => At(date, TimeOnly.MinValue, zone);

    /// <summary>
    /// The instant a local date and time occur in a zone: in a DST gap, the first valid local time after
    /// it; when the time occurs twice, the first of the two.
    /// </summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
