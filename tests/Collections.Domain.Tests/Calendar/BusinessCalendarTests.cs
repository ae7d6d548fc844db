namespace Collections.Domain.Tests.Calendar;

public class BusinessCalendarTests
{
    private static readonly TimeZoneInfo NewYork = BusinessCalendar.Zone("America/New_York");

    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0, int second = 0) =>
        new(2026, month, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void The_day_DST_starts_in_New_York_begins_at_midnight_EST_and_lasts_23_hours()
    {
        var start = BusinessCalendar.StartOfDay(new DateOnly(2026, 3, 8), NewYork);
        var next = BusinessCalendar.StartOfDay(new DateOnly(2026, 3, 9), NewYork);

        Assert.Equal(Utc(3, 8, 5), start);
        Assert.Equal(Utc(3, 9, 4), next);
        Assert.Equal(TimeSpan.FromHours(23), next - start);
    }

    [Fact]
    public void The_day_DST_ends_in_New_York_begins_at_midnight_EDT_and_lasts_25_hours()
    {
        var start = BusinessCalendar.StartOfDay(new DateOnly(2026, 11, 1), NewYork);
        var next = BusinessCalendar.StartOfDay(new DateOnly(2026, 11, 2), NewYork);

        Assert.Equal(Utc(11, 1, 4), start);
        Assert.Equal(Utc(11, 2, 5), next);
        Assert.Equal(TimeSpan.FromHours(25), next - start);
    }

    [Theory]
    [InlineData(3, 8, 4, 59, 59, 6)] // 2026-03-07 23:59:59 EST
    [InlineData(3, 8, 5, 0, 0, 7)] // 2026-03-08 00:00 EST
    [InlineData(3, 8, 6, 59, 59, 7)] // 01:59:59 EST, the last second before the clocks jump
    [InlineData(3, 8, 7, 0, 0, 7)] // 03:00 EDT
    [InlineData(3, 9, 3, 59, 59, 7)] // 2026-03-08 23:59:59 EDT
    [InlineData(3, 9, 4, 0, 0, 8)] // 2026-03-09 00:00 EDT
    public void Days_past_due_count_local_dates_across_the_spring_DST_change(int month, int day, int hour, int minute, int second, int expected)
    {
        var due = new DateOnly(2026, 3, 1);

        Assert.Equal(expected, BusinessCalendar.DaysPastDue(due, Utc(month, day, hour, minute, second), NewYork));
    }

    [Theory]
    [InlineData(11, 1, 3, 59, 59, 30)] // 2026-10-31 23:59:59 EDT
    [InlineData(11, 1, 4, 0, 0, 31)] // 2026-11-01 00:00 EDT
    [InlineData(11, 1, 5, 30, 0, 31)] // 01:30 EDT
    [InlineData(11, 1, 6, 30, 0, 31)] // 01:30 EST, the same wall time an hour later
    [InlineData(11, 2, 4, 59, 59, 31)] // 2026-11-01 23:59:59 EST
    [InlineData(11, 2, 5, 0, 0, 32)] // 2026-11-02 00:00 EST
    public void Days_past_due_count_local_dates_across_the_autumn_DST_change(int month, int day, int hour, int minute, int second, int expected)
    {
        var due = new DateOnly(2026, 10, 1);

        Assert.Equal(expected, BusinessCalendar.DaysPastDue(due, Utc(month, day, hour, minute, second), NewYork));
    }

    [Fact]
    public void The_start_of_each_day_is_the_first_instant_of_that_local_date_through_a_whole_DST_year()
    {
        for (var date = new DateOnly(2026, 1, 1); date.Year == 2026; date = date.AddDays(1))
        {
            var start = BusinessCalendar.StartOfDay(date, NewYork);

            Assert.Equal(date, BusinessCalendar.LocalDate(start, NewYork));
            Assert.Equal(date.AddDays(-1), BusinessCalendar.LocalDate(start.AddTicks(-1), NewYork));
        }
    }

    [Fact]
    public void Where_midnight_is_skipped_the_day_begins_at_the_first_valid_local_time()
    {
        // Havana moves its clocks from 00:00 CST to 01:00 CDT on 2026-03-08.
        var havana = BusinessCalendar.Zone("America/Havana");

        var start = BusinessCalendar.StartOfDay(new DateOnly(2026, 3, 8), havana);

        Assert.Equal(Utc(3, 8, 5), start);
        Assert.Equal(new DateOnly(2026, 3, 7), BusinessCalendar.LocalDate(start.AddTicks(-1), havana));
    }

    [Fact]
    public void Where_midnight_happens_twice_the_day_begins_at_the_first_one()
    {
        // Havana moves its clocks from 01:00 CDT back to 00:00 CST on 2026-11-01.
        var havana = BusinessCalendar.Zone("America/Havana");

        var start = BusinessCalendar.StartOfDay(new DateOnly(2026, 11, 1), havana);

        Assert.Equal(Utc(11, 1, 4), start);
        Assert.Equal(new DateOnly(2026, 10, 31), BusinessCalendar.LocalDate(start.AddTicks(-1), havana));
    }

    [Fact]
    public void Days_past_due_are_negative_before_the_due_date()
    {
        Assert.Equal(-1, BusinessCalendar.DaysPastDue(new DateOnly(2026, 3, 9), Utc(3, 8, 12), NewYork));
    }

    [Fact]
    public void An_unknown_zone_id_falls_back_to_UTC()
    {
        Assert.Equal(TimeZoneInfo.Utc, BusinessCalendar.Zone("Nowhere/Atlantis"));
    }
}
