using System.Globalization;
using Collections.Domain.Accounts;
using Collections.Domain.Strategies;
using Orleans;

namespace Collections.Domain.Portfolio;

/// <summary>
/// What one account adds to its lender's portfolio figures at a moment: its status, stage, bucket,
/// balance, what it has collected, its strategy variant, and the contacts that broke a rule per actor
/// (<see cref="Violations"/>, <c>actor=n</c> joined by <c>;</c>, so that equal contributions compare equal). The portfolio is the sum of these; an
/// account reports a new contribution whenever it changes, and the store applies the difference.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.PortfolioContribution")]
public sealed record PortfolioContribution(
    [property: Id(0)] AccountStatus Status,
    [property: Id(1)] Stage? Stage,
    [property: Id(2)] string? Bucket,
    [property: Id(3)] string Currency,
    [property: Id(4)] decimal Balance,
    [property: Id(5)] decimal Collected,
    [property: Id(6)] StrategyVariant Variant,
    [property: Id(7)] int? BucketIndex = null,
    [property: Id(8)] string? Violations = null,
    [property: Id(9)] string? Complaints = null,
    [property: Id(10)] string? Portal = null)
{
    /// <summary>Money is kept in ten-thousandths, the finest ISO 4217 minor unit, so sums stay exact integers.</summary>
    public const decimal UnitsPerMoney = 10_000m;

    public static PortfolioContribution Of(AccountState account, DateTimeOffset now, Strategy rules)
    {
        var active = account.Status == AccountStatus.Active;
        var bucket = active ? rules.BucketAt(Math.Max(0, account.DaysPastDue(now))) : null;
        return new PortfolioContribution(
            account.Status,
            active ? account.Stage : null,
            bucket,
            account.Record.Currency,
            account.Balance.Total,
            account.Collected,
            account.Strategy.Variant,
            bucket is null ? null : rules.Buckets.Select(b => b.Name).ToList().IndexOf(bucket),
            account.Violations.IsEmpty ? null : string.Join(';', account.Violations.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}")),
            ComplaintsOf(account),
            PortalOf(account.Portal));
    }

    /// <summary>The debtor's page on the account as counters (<c>linksSent=n</c> …, the non-zero ones joined by <c>;</c>); null when never used.</summary>
    private static string? PortalOf(PortalActivity portal)
    {
        (string Name, int Count)[] counts =
        [
            ("linksSent", portal.LinksSent), ("opened", portal.Opened), ("verified", portal.Verified), ("promises", portal.Promises),
            ("plans", portal.Plans), ("disputes", portal.Disputes), ("hardship", portal.Hardship), ("callbacks", portal.Callbacks),
            ("paymentIntents", portal.PaymentIntents),
        ];
        return counts.All(c => c.Count == 0) ? null : string.Join(';', counts.Where(c => c.Count != 0).Select(c => $"{c.Name}={c.Count}"));
    }

    /// <summary>
    /// The account's complaints as counters, <c>status|Open=n</c> and <c>agency|{agencyId}=n</c> joined by <c>;</c> in a
    /// fixed order (equal contributions compare equal); null without complaints.
    /// </summary>
    private static string? ComplaintsOf(AccountState account) =>
        account.Complaints.IsEmpty
            ? null
            : string.Join(';', account.Complaints.GroupBy(c => $"status|{c.Status}")
                .Concat(account.Complaints.Where(c => c.AgencyId is not null).GroupBy(c => $"agency|{c.AgencyId}"))
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key}={g.Count()}"));

    /// <summary>The business month whose roll-rate counters a change at <paramref name="at"/> falls in.</summary>
    public static string PeriodOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>
    /// The counter changes that turn the portfolio with <paramref name="before"/> (null: the account was not
    /// counted yet) into the portfolio with <paramref name="after"/>. Counter names are those that
    /// <see cref="PortfolioReport"/> reads; money counters are in <see cref="UnitsPerMoney"/>.
    /// </summary>
    public static Dictionary<string, long> Difference(PortfolioContribution? before, PortfolioContribution after, string period)
    {
        var changes = new Dictionary<string, long>(StringComparer.Ordinal);
        void Add(string key, long delta)
        {
            if (delta != 0)
            {
                changes[key] = changes.GetValueOrDefault(key) + delta;
            }
        }

        if (before is not null)
        {
            foreach (var (key, value) in before.Counters())
            {
                Add(key, -value);
            }
        }

        foreach (var (key, value) in after.Counters())
        {
            Add(key, value);
        }

        if (before is { Status: AccountStatus.Active, Bucket: { } from } && after.Bucket != from)
        {
            Add($"roll|{period}|{from}|exited", 1);
            if (after.BucketIndex > before.BucketIndex)
            {
                Add($"roll|{period}|{from}|forward", 1);
            }
        }

        foreach (var key in changes.Where(c => c.Value == 0).Select(c => c.Key).ToList())
        {
            changes.Remove(key);
        }

        return changes;
    }

    /// <summary>This contribution as counters.</summary>
    private IEnumerable<(string Key, long Value)> Counters()
    {
        {
            var balance = Units(Balance);
            var variant = Variant.ToString();
            yield return ($"collected|{Currency}", Units(Collected));
            yield return ($"variant|{variant}|collected|{Currency}", Units(Collected));
            foreach (var violation in (Violations ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = violation.LastIndexOf('=');
                yield return ($"violations|{violation[..equals]}", long.Parse(violation[(equals + 1)..], CultureInfo.InvariantCulture));
            }

            foreach (var complaint in (Complaints ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = complaint.LastIndexOf('=');
                yield return ($"complaints|{complaint[..equals]}", long.Parse(complaint[(equals + 1)..], CultureInfo.InvariantCulture));
            }

            foreach (var used in (Portal ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = used.LastIndexOf('=');
                yield return ($"portal|{used[..equals]}", long.Parse(used[(equals + 1)..], CultureInfo.InvariantCulture));
            }

            if (Status == AccountStatus.Closed)
            {
                yield return ("accounts|closed", 1);
                yield return ($"variant|{variant}|closed", 1);
                yield break;
            }

            yield return ("accounts|active", 1);
            yield return ($"balance|{Currency}", balance);
            yield return ($"variant|{variant}|active", 1);
            yield return ($"variant|{variant}|balance|{Currency}", balance);
            var stage = Stage?.ToString() ?? "None";
            yield return ($"stage|{stage}", 1);
            yield return ($"stage|{stage}|balance|{Currency}", balance);
            if (Bucket is not null)
            {
                yield return ($"bucket|{Bucket}", 1);
                yield return ($"bucket|{Bucket}|balance|{Currency}", balance);
            }
        }
    }

    public static long Units(decimal money) => (long)(money * UnitsPerMoney);

    /// <summary>
    /// When an active account next changes bucket by the passing of days alone: buckets move without any
    /// event, so the account wakes then to report it.
    /// </summary>
    public static DateTimeOffset? NextBucketChange(AccountState account, DateTimeOffset now, Strategy rules)
    {
        if (account.Status != AccountStatus.Active)
        {
            return null;
        }

        var dpd = account.DaysPastDue(now);
        var next = rules.Buckets.FirstOrDefault(b => b.FromDpd > dpd);
        return next is null ? null : BusinessCalendar.StartOfDay(account.Record.DueDate.AddDays(next.FromDpd), account.Zone);
    }
}
