using System.Net;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

[Collection(HostCollection.Name)]
public sealed class PortfolioApiTests(HostFixture host)
{
    [Fact]
    public async Task The_portfolio_counts_accounts_and_balances_by_stage_and_bucket_and_what_was_collected()
    {
        var lender = NewId("L");
        await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import", Ndjson(
            Records.Ndjson("A-1", principal: 100m, daysPastDue: 2),
            Records.Ndjson("A-2", principal: 200m, daysPastDue: 10),
            Records.Ndjson("A-3", principal: 300m, daysPastDue: 45),
            Records.Ndjson("A-4", principal: 400m, daysPastDue: 100)));
        await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/A-4/payments", Json("""{"paymentId":"P1","amount":400}"""));

        var portfolio = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/portfolio")).JsonAsync();

        var accounts = portfolio.GetProperty("accounts");
        Assert.Equal(3, accounts.GetProperty("active").GetInt32());
        Assert.Equal(1, accounts.GetProperty("closed").GetInt32());
        Assert.Equal(1, accounts.GetProperty("byStage").GetProperty("Notice").GetInt32());
        Assert.Equal(1, accounts.GetProperty("byStage").GetProperty("Early").GetInt32());
        Assert.Equal(1, accounts.GetProperty("byStage").GetProperty("Mid").GetInt32());
        Assert.Equal(2, accounts.GetProperty("byBucket").GetProperty("M1").GetInt32());
        Assert.Equal(600m, portfolio.GetProperty("balance").GetProperty("active").GetDecimal());
        Assert.Equal(300m, portfolio.GetProperty("balance").GetProperty("byStage").GetProperty("Mid").GetDecimal());
        Assert.Equal(400m, portfolio.GetProperty("collected").GetDecimal());
        Assert.Equal(3, portfolio.GetProperty("byVariant").GetProperty("Champion").GetProperty("active").GetInt32());
    }

    [Fact]
    public async Task The_payment_file_is_idempotent_by_payment_id_and_names_payments_for_unknown_accounts()
    {
        var lender = NewId("L");
        await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import", Ndjson(Records.Ndjson("A-1", principal: 500m)));
        string[] file =
        [
            "accountRef,paymentId,amount,paidAt",
            "A-1,P-1,50.00,2026-11-01T10:00:00Z",
            "A-1,P-2,25,2026-11-02T10:00:00Z",
            "NOPE,P-3,10,2026-11-02T10:00:00Z",
            "A-1,,abc,yesterday",
        ];

        var first = await (await host.Admin.PostAsync($"/api/v1/lenders/{lender}/payments/import", Csv(file))).JsonAsync();
        var again = await (await host.Admin.PostAsync($"/api/v1/lenders/{lender}/payments/import", Csv(file))).JsonAsync();

        Assert.Equal(2, first.GetProperty("applied").GetInt32());
        Assert.Equal(2, first.GetProperty("rejected").GetInt32());
        var errors = first.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(4, errors[0].GetProperty("line").GetInt32());
        Assert.Contains("no account 'NOPE'", errors[0].GetProperty("error").GetString());
        Assert.All(["paymentId:", "amount:", "paidAt:"], f => Assert.Contains(f, errors[1].GetProperty("error").GetString()));
        Assert.Equal(0, again.GetProperty("applied").GetInt32());
        Assert.Equal(2, again.GetProperty("duplicate").GetInt32());
        var account = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/A-1")).JsonAsync();
        Assert.Equal(75m, account.GetProperty("collected").GetDecimal());
    }

    [Fact]
    public async Task Metrics_are_exposed_for_prometheus_with_the_business_meters()
    {
        var lender = NewId("L");
        await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import", Ndjson(
            Records.Ndjson("A-1", daysPastDue: 40),
            Records.Ndjson("A-2", daysPastDue: 45),
            Records.Ndjson("A-3", daysPastDue: 10),
            "bad"));

        // The accounts gauge is refreshed in the background (every 200 ms in these tests).
        var text = await EventuallyAsync(async () =>
        {
            var response = await host.Client(null).GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(2, Gauge(body, lender, "Mid"));
            Assert.Equal(1, Gauge(body, lender, "Early"));
            return body;
        });

        Assert.Null(Gauge(text, lender, "Legal"));
        Assert.Contains("collections_escalations", text, StringComparison.Ordinal);
        Assert.Contains("collections_import_rows", text, StringComparison.Ordinal);
        Assert.Contains("outcome=\"rejected\"", text, StringComparison.Ordinal);
        Assert.Contains("collections_accounts_opened", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_accounts_gauge_survives_another_host_in_the_process_stopping()
    {
        // Another host's instruments carry the same names; its stopping must not retire this host's series.
        var other = HostFixture.With("Development", new Dictionary<string, string?>());
        await other.InitializeAsync();
        await other.DisposeAsync();
        var lender = NewId("L");
        await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import", Ndjson(Records.Ndjson("A-1", daysPastDue: 40)));

        await EventuallyAsync(async () =>
        {
            Assert.Equal(1, Gauge(await host.Client(null).GetStringAsync("/metrics"), lender, "Mid"));
            return true;
        });
    }

    /// <summary>The value of <c>collections_accounts{lender,stage}</c> in a Prometheus scrape; null when absent.</summary>
    private static long? Gauge(string scrape, string lender, string stage)
    {
        var line = scrape.Split('\n').FirstOrDefault(l =>
            l.StartsWith("collections_accounts{", StringComparison.Ordinal) &&
            l.Contains($"lender=\"{lender}\"", StringComparison.Ordinal) &&
            l.Contains($"stage=\"{stage}\"", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> attempt)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Xunit.Sdk.XunitException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
