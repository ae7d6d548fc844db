using System.Globalization;
using Collections.Domain.Accounts;
using Collections.Domain.Strategies;
using Collections.Domain.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Collections.Domain.Tests.Properties;

/// <summary>
/// An account's life in business time: a strategy with any increasing thresholds, a due date, a debtor
/// time zone (DST zones included), the DPD at which it is imported, and later looks at it, each a
/// positive number of minutes after the previous one.
/// </summary>
public sealed record Timeline(string TimeZone, DateOnly DueDate, StageThresholds Stages, int ImportedAtDpd, int ImportedAtMinute, int[] StepMinutes)
{
    public AccountRecord Record => Records.Account().InTimeZone(TimeZone).DueOn(DueDate).Build();

    public DateTimeOffset ImportedAt => Record.AtDpd(ImportedAtDpd, localHour: 0).AddMinutes(ImportedAtMinute);

    /// <summary>The strictly increasing instants at which the account is advanced.</summary>
    public IEnumerable<DateTimeOffset> Looks
    {
        get
        {
            var at = ImportedAt;
            foreach (var step in StepMinutes)
            {
                at = at.AddMinutes(step);
                yield return at;
            }
        }
    }

    public AccountHarness Import() => AccountHarness.Opened(Record, ImportedAt, InForce.WithStages(Stages));

    public override string ToString() =>
        $"Timeline {{ TimeZone = {TimeZone}, DueDate = {DueDate:yyyy-MM-dd}, Stages = {Stages}, ImportedAtDpd = {ImportedAtDpd}, " +
        $"ImportedAtMinute = {ImportedAtMinute}, StepMinutes = [{string.Join(", ", StepMinutes)}] }}";
}

/// <summary>A debt in a currency and the payments made on it, every amount in whole minor units.</summary>
public sealed record PaymentRun(string Currency, Balance Initial, decimal? Installment, decimal[] Payments)
{
    public AccountRecord Record
    {
        get
        {
            var builder = Records.Account().Currency(Currency)
                .Owing(Initial.Principal, Initial.Interest, Initial.Fees, Initial.Penalty);
            return (Installment is { } installment ? builder.Installment(installment) : builder).Build();
        }
    }

    public override string ToString() =>
        $"PaymentRun {{ Currency = {Currency}, Initial = {Initial}, Installment = {Installment}, " +
        $"Payments = [{string.Join(", ", Payments.Select(p => p.ToString(CultureInfo.InvariantCulture)))}] }}";
}

public static class DomainArbitraries
{
    private static readonly string[] TimeZones =
        ["UTC", "Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Sydney", "America/Havana", "America/Santiago"];

    private static readonly (string Code, int MinorUnits)[] CurrenciesWithMinorUnits =
        [("CNY", 2), ("USD", 2), ("JPY", 0), ("KWD", 3)];

    private static Gen<StageThresholds> Thresholds =>
        from notice in Gen.Choose(1, 30)
        from steps in Gen.ArrayOf(Gen.Choose(1, 90), 4)
        let early = notice + steps[0]
        let mid = early + steps[1]
        let legal = mid + steps[2]
        select new StageThresholds(notice, early, mid, legal, legal + steps[3]);

    public static Arbitrary<Timeline> Timelines() =>
        (from zone in Gen.Elements(TimeZones)
         from dueDay in Gen.Choose(0, 730)
         from stages in Thresholds
         from importedAtDpd in Gen.Choose(-20, 400)
         from importedAtMinute in Gen.Choose(0, (24 * 60) - 1)
         from steps in Gen.ArrayOf(Gen.Frequency((3, Gen.Choose(1, 24 * 60)), (2, Gen.Choose(1, 45 * 24 * 60))))
         select new Timeline(zone, new DateOnly(2025, 1, 1).AddDays(dueDay), stages, importedAtDpd, importedAtMinute, steps))
        .ToArbitrary();

    public static Arbitrary<PaymentRun> PaymentRuns() =>
        (from currency in Gen.Elements(CurrenciesWithMinorUnits)
         let amount = Amounts(currency.MinorUnits)
         from principal in amount(1, 10_000_000)
         from interest in Gen.Frequency((1, Gen.Constant(0m)), (3, amount(0, 100_000)))
         from fees in Gen.Frequency((1, Gen.Constant(0m)), (3, amount(0, 50_000)))
         from penalty in Gen.Frequency((1, Gen.Constant(0m)), (3, amount(0, 50_000)))
         from installment in Gen.Frequency((1, Gen.Constant<decimal?>(null)), (2, amount(1, 2_000_000).Select(a => (decimal?)a)))
         from payments in Gen.ArrayOf(Gen.Frequency((4, amount(1, 500_000)), (1, amount(1, 20_000_000))))
         select new PaymentRun(currency.Code, new Balance(principal, interest, fees, penalty), installment, payments))
        .ToArbitrary();

    /// <summary>A generator of amounts from a minimum to a maximum number of minor units, so never over-precise.</summary>
    private static Func<int, int, Gen<decimal>> Amounts(int minorUnits) =>
        (minUnits, maxUnits) => Gen.Choose(minUnits, maxUnits).Select(units => units / Pow10(minorUnits));

    private static decimal Pow10(int digits) => digits switch
    {
        0 => 1m,
        1 => 10m,
        2 => 100m,
        3 => 1000m,
        _ => throw new ArgumentOutOfRangeException(nameof(digits)),
    };
}
