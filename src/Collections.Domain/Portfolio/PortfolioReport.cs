namespace Collections.Domain.Portfolio;

/// <summary>One currency's balances, as the portfolio reports them.</summary>
public sealed record CurrencyBalances(decimal Active, IReadOnlyDictionary<string, decimal> ByStage, IReadOnlyDictionary<string, decimal> ByBucket, decimal Collected);

/// <summary>Complaints of a lender's accounts by status, and by the agency they name.</summary>
public sealed record ComplaintCounts(IReadOnlyDictionary<string, long> ByStatus, IReadOnlyDictionary<string, long> ByAgency);

public sealed record AccountCounts(long Active, long Closed, IReadOnlyDictionary<string, long> ByStage, IReadOnlyDictionary<string, long> ByBucket);

public sealed record VariantFigures(long Active, long Closed, IReadOnlyDictionary<string, decimal> Balance, IReadOnlyDictionary<string, decimal> Collected, decimal? RecoveryRate);

/// <summary>Roll rates of one business month: per bucket, the share of the accounts in it that moved on to a later bucket.</summary>
public sealed record RollRates(string Period, IReadOnlyDictionary<string, decimal?> ByBucket);

/// <summary>
/// A lender's portfolio read from its counters. Balances are per currency (a lender may lend in
/// several); <see cref="Balance"/> and <see cref="Collected"/> are the single currency's figures when
/// there is only one, as most lenders have.
/// </summary>
public sealed record PortfolioReport(
    AccountCounts Accounts,
    CurrencyBalances? Balance,
    decimal? Collected,
    IReadOnlyDictionary<string, CurrencyBalances> ByCurrency,
    RollRates RollRates,
    IReadOnlyDictionary<string, VariantFigures> ByVariant,
    decimal? RecoveryRate)
{
    /// <summary>Contacts that broke a rule (recorded as <c>ContactViolation</c>), per actor: <c>lender:…</c>, a team's collector, <c>agency:…</c>.</summary>
    public IReadOnlyDictionary<string, long> Violations { get; init; } = new Dictionary<string, long>();

    /// <summary>Complaints by status (<c>Open</c>, <c>Overdue</c>, <c>Resolved</c>) and, of those naming an agency, by agency.</summary>
    public ComplaintCounts Complaints { get; init; } = new(new Dictionary<string, long>(), new Dictionary<string, long>());

    /// <summary>
    /// The debtor's page: links sent, opened (first time per link), verified (checks passed), and what debtors did
    /// there alone — promises, plans, disputes, hardship, call-backs, payment intents.
    /// </summary>
    public IReadOnlyDictionary<string, long> Portal { get; init; } = new Dictionary<string, long>();

    public static PortfolioReport From(IReadOnlyDictionary<string, long> counters, IEnumerable<string> bucketOrder, string period)
    {
        long Count(string key) => counters.GetValueOrDefault(key);
        decimal Money(string key) => counters.GetValueOrDefault(key) / PortfolioContribution.UnitsPerMoney;
        IEnumerable<string[]> Keys(string prefix) =>
            counters.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k.Split('|'));

        var buckets = bucketOrder.ToList();
        var stages = Enum.GetNames<Stage>().Prepend("None").ToList();
        var accounts = new AccountCounts(
            Count("accounts|active"),
            Count("accounts|closed"),
            stages.Where(s => Count($"stage|{s}") != 0).ToDictionary(s => s, s => Count($"stage|{s}")),
            buckets.Where(b => Count($"bucket|{b}") != 0).ToDictionary(b => b, b => Count($"bucket|{b}")));

        var currencies = Keys("balance|").Concat(Keys("collected|")).Where(k => k.Length == 2).Select(k => k[1]).Distinct().Order().ToList();
        var byCurrency = currencies.ToDictionary(c => c, c => new CurrencyBalances(
            Money($"balance|{c}"),
            stages.Where(s => Count($"stage|{s}|balance|{c}") != 0).ToDictionary(s => s, s => Money($"stage|{s}|balance|{c}")),
            buckets.Where(b => Count($"bucket|{b}|balance|{c}") != 0).ToDictionary(b => b, b => Money($"bucket|{b}|balance|{c}")),
            Money($"collected|{c}")));

        var rolls = buckets.ToDictionary(b => b, b =>
        {
            // Exposure: the accounts in the bucket now plus those that left it this period.
            var exposure = Count($"bucket|{b}") + Count($"roll|{period}|{b}|exited");
            return exposure == 0 ? (decimal?)null : Math.Round((decimal)Count($"roll|{period}|{b}|forward") / exposure, 4);
        });

        var variants = Keys("variant|").Select(k => k[1]).Distinct().Order().ToDictionary(v => v, v =>
        {
            var balance = currencies.ToDictionary(c => c, c => Money($"variant|{v}|balance|{c}"));
            var collected = currencies.ToDictionary(c => c, c => Money($"variant|{v}|collected|{c}"));
            return new VariantFigures(Count($"variant|{v}|active"), Count($"variant|{v}|closed"), balance, collected,
                Recovery(collected.Values.Sum(), balance.Values.Sum()));
        });

        var single = byCurrency.Count == 1 ? byCurrency.Values.Single() : null;
        return new PortfolioReport(accounts, single, single?.Collected, byCurrency, new RollRates(period, rolls), variants,
            Recovery(byCurrency.Values.Sum(c => c.Collected), byCurrency.Values.Sum(c => c.Active)))
        {
            Violations = Keys("violations|").Where(k => k.Length == 2 && Count($"violations|{k[1]}") != 0)
                .ToDictionary(k => k[1], k => Count($"violations|{k[1]}")),
            Portal = Keys("portal|").Where(k => k.Length == 2 && Count($"portal|{k[1]}") != 0)
                .ToDictionary(k => k[1], k => Count($"portal|{k[1]}")),
            Complaints = new ComplaintCounts(
                Keys("complaints|status|").Where(k => k.Length == 3 && Count($"complaints|status|{k[2]}") != 0)
                    .ToDictionary(k => k[2], k => Count($"complaints|status|{k[2]}")),
                Keys("complaints|agency|").Where(k => k.Length == 3 && Count($"complaints|agency|{k[2]}") != 0)
                    .ToDictionary(k => k[2], k => Count($"complaints|agency|{k[2]}"))),
        };
    }

    /// <summary>Collected as a share of collected plus what is still owed on active accounts.</summary>
    private static decimal? Recovery(decimal collected, decimal outstanding) =>
        collected + outstanding == 0 ? null : Math.Round(collected / (collected + outstanding), 4);
}
