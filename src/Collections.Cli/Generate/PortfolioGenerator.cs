using Bogus;

namespace Collections.Cli.Generate;

/// <summary>
/// A synthetic delinquent portfolio that looks like a real lender's: Chinese borrowers in CNY and US
/// borrowers in USD, with names, E.164 phones, time zones and regions that belong together; products
/// installment, card and cashloan with balances built the way each accrues; due dates from 0 to 200
/// days past due, weighted toward the early buckets as real roll rates leave them.
/// </summary>
/// <remarks>
/// One seeded random source drives everything, record after record, so the same seed and date give the
/// same file byte for byte, and the first N records of a larger file equal a file of N. Nothing is kept
/// between records: a million of them need no more memory than one. Phones and e-mail addresses are
/// fictitious on purpose (US numbers in the reserved 555-01xx range, e-mail at the example domains).
/// </remarks>
public sealed class PortfolioGenerator
{
    /// <summary>The most days past due a generated account has.</summary>
    public const int MaxDaysPastDue = 200;

    private static readonly int[] ChinaMobilePrefixes =
    [
        130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 145, 147, 150, 151, 152, 153, 155, 156, 157, 158,
        159, 166, 170, 173, 175, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 191, 198, 199,
    ];

    private static readonly UsState[] UsStates =
    [
        new("CA", 12.0, "America/Los_Angeles", [213, 310, 415, 510, 619, 714, 818, 916]),
        new("TX", 9.0, "America/Chicago", [210, 214, 512, 713, 817, 972]),
        new("FL", 6.8, "America/New_York", [305, 407, 813, 904, 954]),
        new("NY", 6.0, "America/New_York", [212, 347, 516, 718, 917]),
        new("PA", 3.9, "America/New_York", [215, 412, 610, 717]),
        new("IL", 3.8, "America/Chicago", [312, 630, 773, 847]),
        new("OH", 3.5, "America/New_York", [216, 330, 513, 614]),
        new("GA", 3.3, "America/New_York", [404, 470, 678, 770]),
        new("NC", 3.2, "America/New_York", [336, 704, 919]),
        new("MI", 3.0, "America/Detroit", [248, 313, 517, 616]),
        new("NJ", 2.8, "America/New_York", [201, 732, 908, 973]),
        new("WA", 2.3, "America/Los_Angeles", [206, 253, 425, 509]),
        new("AZ", 2.2, "America/Phoenix", [480, 520, 602, 623]),
        new("MA", 2.1, "America/New_York", [508, 617, 781, 978]),
        new("CO", 1.8, "America/Denver", [303, 719, 720, 970]),
        new("NV", 1.0, "America/Los_Angeles", [702, 775]),
        new("HI", 0.4, "Pacific/Honolulu", [808]),
        new("AK", 0.2, "America/Anchorage", [907]),
    ];

    private static readonly HashSet<string> NotMainland = new(StringComparer.Ordinal) { "香港", "澳门", "台湾", "香港特别行政区", "澳门特别行政区", "台湾省" };

    private static readonly string[] EmailDomains = ["example.com", "example.net", "example.org"];

    private static readonly int[] Terms = [6, 12, 12, 24, 24, 36];
    private static readonly decimal[] UsLateFees = [25m, 29m, 35m, 39m];
    private static readonly decimal[] UsCardLateFees = [30m, 41m];
    private static readonly decimal[] UsCashLoanFees = [0m, 15m, 25m, 45m];
    private static readonly double[] ChinaServiceFeeRates = [0, 0.01, 0.02];

    /// <summary>Days-past-due bands and their shares: most of a book is early, a tail reaches charge-off.</summary>
    private static readonly (int From, int To, double Weight)[] DpdBands =
    [
        (0, 0, 0.05), (1, 30, 0.40), (31, 60, 0.18), (61, 90, 0.12), (91, 120, 0.09), (121, 180, 0.11), (181, MaxDaysPastDue, 0.05),
    ];

    private readonly Randomizer random;
    private readonly Faker chinese;
    private readonly Faker american;
    private readonly DateOnly today;
    private readonly double usStateWeight = UsStates.Sum(s => s.Weight);

    /// <summary>The last account's person: a share of accounts are a second loan of the same debtor.</summary>
    private SyntheticAccount? previous;

    /// <summary>Share of accounts that belong to the previous account's debtor (same customerId, name, phone, zone, address).</summary>
    private const double SecondLoanShare = 0.08;

    public PortfolioGenerator(int seed, DateOnly today)
    {
        this.today = today;
        random = new Randomizer(seed);
        chinese = new Faker("zh_CN") { Random = random };
        american = new Faker("en_US") { Random = random };
    }

    /// <summary>The share of Chinese (CNY) accounts; the rest are US (USD).</summary>
    public double ChinaShare { get; init; } = 0.7;

    /// <summary>Account references are this prefix and a zero-padded sequence number.</summary>
    public string RefPrefix { get; init; } = "ACC-";

    /// <summary>Generates <paramref name="count"/> accounts, lazily.</summary>
    public IEnumerable<SyntheticAccount> Generate(long count)
    {
        for (long i = 1; i <= count; i++)
        {
            yield return Next(i);
        }
    }

    private SyntheticAccount Next(long sequence)
    {
        var account = NewAccount(sequence);
        if (previous is { } person && random.Double() < SecondLoanShare && person.Currency == account.Currency)
        {
            account = account with
            {
                CustomerId = person.CustomerId, BorrowerName = person.BorrowerName, Phone = person.Phone, Email = person.Email,
                TimeZone = person.TimeZone, Region = person.Region, Address = person.Address, Language = person.Language,
            };
        }

        previous = account;
        return account;
    }

    private SyntheticAccount NewAccount(long sequence)
    {
        var china = random.Double() < ChinaShare;
        var dpd = DaysPastDue();
        var product = china
            ? Weighted(("installment", 0.50), ("cashloan", 0.30), ("card", 0.20))
            : Weighted(("installment", 0.35), ("card", 0.50), ("cashloan", 0.15));
        var balance = product switch
        {
            "installment" => Installment(china, dpd),
            "card" => Card(china, dpd),
            _ => CashLoan(china, dpd),
        };

        string name, timeZone, region;
        string? phone;
        if (china)
        {
            name = chinese.Name.LastName() + chinese.Name.FirstName();
            region = MainlandProvince();
            timeZone = region.StartsWith("新疆", StringComparison.Ordinal) ? "Asia/Urumqi" : "Asia/Shanghai";
            phone = random.Double() < 0.95
                ? $"+86{random.ArrayElement(ChinaMobilePrefixes)}{random.Number(0, 99_999_999):D8}"
                : null;
        }
        else
        {
            var state = PickUsState();
            var first = american.Name.FirstName();
            var middle = random.Double() < 0.15 ? $" {random.Char('A', 'Z')}." : "";
            name = $"{first}{middle} {american.Name.LastName()}";
            region = state.Code;
            timeZone = state.TimeZone;
            phone = random.Double() < 0.95
                ? $"+1{random.ArrayElement(state.AreaCodes)}5550{random.Number(100, 199)}"
                : null;
        }

        var email = random.Double() < (china ? 0.5 : 0.8) ? Email(china, name) : null;
        int? score = random.Double() < 0.85 ? (int)Math.Clamp(Math.Round(Normal(720 - (2.2 * dpd), 110)), 0, 1000) : null;
        var address = random.Double() < 0.9
            ? china
                ? $"{region}{chinese.Address.City()}{chinese.Address.StreetName()}{random.Number(1, 999)}号"
                : $"{american.Address.BuildingNumber()} {american.Address.StreetName()}, {american.Address.City()}, {region}"
            : null;
        return new SyntheticAccount(
            $"{RefPrefix}{sequence:D8}",
            product,
            china ? "CNY" : "USD",
            balance.Principal,
            balance.Interest,
            balance.Fees,
            balance.Penalty,
            today.AddDays(-dpd),
            balance.InstallmentAmount,
            balance.PastDueAmount,
            name,
            phone,
            email,
            timeZone,
            region,
            score,
            $"{RefPrefix}C{sequence:D8}",
            address,
            china ? "zh" : "en");
    }

    /// <summary>A fixed-term loan repaid monthly: each missed installment adds its interest, a late fee and (in China) penalty interest.</summary>
    private Balance Installment(bool china, int dpd)
    {
        var original = LogNormal(china ? 24_000 : 6_500, 0.7, china ? 2_000 : 500, china ? 300_000 : 60_000);
        var term = random.ArrayElement(Terms);
        var monthlyRate = china ? 0.012 : 0.011;
        var missed = Math.Min(term, (dpd / 30) + 1);
        var paid = random.Number(0, term - missed);
        var installment = Money((original / term) + (original * monthlyRate));
        var principal = Positive(original * (term - paid) / term);
        var interest = Money(original * monthlyRate * missed);
        var fees = dpd == 0 ? 0 : china ? (random.Bool() ? 0 : missed * Money(random.Double(20, 50))) : missed * random.ArrayElement(UsLateFees);
        var penalty = china ? Money(original / term * missed * 0.0005 * dpd) : 0;
        var pastDue = Math.Min(principal + interest + fees + penalty, (installment * missed) + fees + penalty);
        return new(principal, interest, fees, penalty, installment, pastDue);
    }

    /// <summary>A revolving card: interest accrues daily on the balance, a late fee per missed cycle; the minimum payment is what is past due.</summary>
    private Balance Card(bool china, int dpd)
    {
        var principal = Positive(LogNormal(china ? 9_000 : 3_800, 0.8, china ? 300 : 100, china ? 200_000 : 40_000));
        var apr = china ? 0.1825 : random.Double(0.19, 0.29);
        var cycles = (dpd / 30) + 1;
        var interest = Money((double)principal * apr / 365 * (dpd + 30));
        var fees = dpd == 0 || china ? 0 : cycles * random.ArrayElement(UsCardLateFees);
        var minimum = Money(((double)principal * (china ? 0.10 : 0.03)) + ((double)interest / cycles));
        var penalty = china && dpd > 0 ? Money((double)minimum * 0.05 * cycles) : 0;
        var pastDue = Math.Min(principal + interest + fees + penalty, (minimum * cycles) + fees + penalty);
        return new(principal, interest, fees, penalty, null, pastDue);
    }

    /// <summary>A short single-payment loan: the whole balance is due, so no installment or past-due amount is sent.</summary>
    private Balance CashLoan(bool china, int dpd)
    {
        var principal = Positive(LogNormal(china ? 3_500 : 600, 0.6, china ? 500 : 100, china ? 50_000 : 5_000));
        var interest = Money((double)principal * (china ? 0.00065 : 0.0015) * (30 + dpd));
        var fees = china
            ? Money((double)principal * random.ArrayElement(ChinaServiceFeeRates))
            : random.ArrayElement(UsCashLoanFees);
        var penalty = china ? Money((double)principal * 0.001 * dpd) : 0;
        return new(principal, interest, fees, penalty, null, null);
    }

    private int DaysPastDue()
    {
        var pick = random.Double() * DpdBands.Sum(b => b.Weight);
        foreach (var (from, to, weight) in DpdBands)
        {
            if (pick < weight)
            {
                return random.Number(from, to);
            }

            pick -= weight;
        }

        return random.Number(1, MaxDaysPastDue);
    }

    /// <summary>A province of the mainland: Hong Kong, Macao and Taiwan have their own currencies and dialling codes.</summary>
    private string MainlandProvince()
    {
        while (true)
        {
            var province = chinese.Address.State();
            if (!NotMainland.Contains(province))
            {
                return province;
            }
        }
    }

    private UsState PickUsState()
    {
        var pick = random.Double() * usStateWeight;
        foreach (var state in UsStates)
        {
            if (pick < state.Weight)
            {
                return state;
            }

            pick -= state.Weight;
        }

        return UsStates[0];
    }

    private string Weighted(params (string Value, double Weight)[] choices)
    {
        var pick = random.Double() * choices.Sum(c => c.Weight);
        foreach (var (value, weight) in choices)
        {
            if (pick < weight)
            {
                return value;
            }

            pick -= weight;
        }

        return choices[^1].Value;
    }

    private string Email(bool china, string name)
    {
        var domain = random.ArrayElement(EmailDomains);
        if (china)
        {
            // Chinese webmail addresses are very often a QQ-style number.
            return $"{random.Number(10_000, 999_999_999)}@{domain}";
        }

        var letters = new string(name.ToLowerInvariant().Where(c => c is (>= 'a' and <= 'z') or ' ').ToArray());
        var parts = letters.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var local = parts.Length == 0 ? "user" : string.Join('.', parts.Length > 2 ? [parts[0], parts[^1]] : parts);
        return random.Bool() ? $"{local}{random.Number(1, 99)}@{domain}" : $"{local}@{domain}";
    }

    private double LogNormal(double median, double sigma, double min, double max) =>
        Math.Clamp(median * Math.Exp(sigma * Normal(0, 1)), min, max);

    private double Normal(double mean, double deviation)
    {
        // Box–Muller; 1 − u keeps the logarithm finite.
        var u = 1.0 - random.Double();
        var v = random.Double();
        return mean + (deviation * Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v));
    }

    /// <summary>To the cent: CNY and USD both have two minor-unit decimals.</summary>
    private static decimal Money(double value) => Math.Round((decimal)value, 2, MidpointRounding.AwayFromZero);

    private static decimal Positive(double value) => Math.Max(0.01m, Money(value));

    private readonly record struct Balance(decimal Principal, decimal Interest, decimal Fees, decimal Penalty, decimal? InstallmentAmount, decimal? PastDueAmount);

    private sealed record UsState(string Code, double Weight, string TimeZone, int[] AreaCodes);
}
