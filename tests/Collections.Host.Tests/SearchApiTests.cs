using System.Globalization;
using System.Net;
using System.Text.Json;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>Finding accounts and the approvals waiting over real HTTP, from the account read model.</summary>
[Collection(HostCollection.Name)]
public sealed class SearchApiTests(HostFixture host)
{
    private static string Date(int fromToday) =>
        DateOnly.FromDateTime(DateTime.UtcNow).AddDays(fromToday).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<(string LenderId, HttpClient Lender)> LenderAsync()
    {
        var lenderId = NewId("L");
        return (lenderId, host.Client((await host.IssueKeyAsync(new { role = "lender", lenderId })).Key));
    }

    private static async Task<List<string>> RefsAsync(HttpClient client, string url)
    {
        var refs = new List<string>();
        string? next = null;
        do
        {
            var page = await (await client.GetAsync(next is null ? url : $"{url}&cursor={next}")).JsonAsync();
            refs.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("accountRef").GetString()!));
            next = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString();
        }
        while (next is not null);

        return refs;
    }

    [Fact]
    public async Task Accounts_are_found_by_filters_in_accountRef_order_page_by_page_and_a_change_shows_at_once()
    {
        var (lenderId, lender) = await LenderAsync();
        var accounts = $"/api/v1/lenders/{lenderId}/accounts";
        await lender.PostAsync($"{accounts}/import", Ndjson(
            [.. Enumerable.Range(0, 12).Select(i => Records.Ndjson($"A-{i:D2}", principal: 100m * (i + 1), daysPastDue: i < 8 ? 10 : 40))]));

        Assert.Equal([.. Enumerable.Range(0, 8).Select(i => $"A-{i:D2}")], await RefsAsync(lender, $"{accounts}?stage=Early&bucket=M1&limit=3"));
        Assert.Equal(["A-08", "A-09", "A-10", "A-11"], await RefsAsync(lender, $"{accounts}?stage=Mid&limit=2"));
        Assert.Equal(["A-02", "A-03", "A-04"], await RefsAsync(lender, $"{accounts}?minBalance=300&maxBalance=500&status=Active"));

        var first = (await (await lender.GetAsync($"{accounts}?stage=Early&limit=1")).JsonAsync()).GetProperty("items")[0];
        Assert.Equal(("A-00", "Active", "Early", "M1", 10, 100m, "Low"), (
            first.GetProperty("accountRef").GetString(), first.GetProperty("status").GetString(), first.GetProperty("stage").GetString(),
            first.GetProperty("bucket").GetString(), first.GetProperty("daysPastDue").GetInt32(),
            first.GetProperty("balance").GetProperty("total").GetDecimal(), first.GetProperty("riskTier").GetString()));

        Assert.Equal(HttpStatusCode.OK, (await lender.PostAsync($"{accounts}/A-00/close", Json("""{"reason":"Sold"}"""))).StatusCode);
        Assert.Equal(["A-00"], await RefsAsync(lender, $"{accounts}?status=Closed"));
        Assert.DoesNotContain("A-00", await RefsAsync(lender, $"{accounts}?stage=Early&status=Active"));
    }

    [Fact]
    public async Task The_accounts_of_one_debtor_are_found_by_customerId()
    {
        var (lenderId, lender) = await LenderAsync();
        var accounts = $"/api/v1/lenders/{lenderId}/accounts";
        static string Of(string accountRef, string customerId) =>
            Records.Ndjson(accountRef).Replace("\"timezone\":\"UTC\"", $"\"timezone\":\"UTC\",\"customerId\":\"{customerId}\"", StringComparison.Ordinal);
        await lender.PostAsync($"{accounts}/import", Ndjson(Of("A-1", "C-7"), Of("A-2", "C-8"), Of("A-3", "C-7")));

        Assert.Equal(["A-1", "A-3"], await RefsAsync(lender, $"{accounts}?customerId=C-7"));
        var item = (await (await lender.GetAsync($"{accounts}?customerId=C-8")).JsonAsync()).GetProperty("items")[0];
        Assert.Equal("C-8", item.GetProperty("customerId").GetString());
    }

    [Fact]
    public async Task A_bad_filter_or_cursor_says_what_to_send()
    {
        var (lenderId, lender) = await LenderAsync();
        var problem = await (await lender.GetAsync($"/api/v1/lenders/{lenderId}/accounts?stage=Late&minBalance=lots&cursor=%25%25&limit=0"))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in (string[])["stage", "minBalance", "cursor", "limit"])
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}");
        }
    }

    [Fact]
    public async Task A_plan_waiting_for_approval_is_listed_with_its_submitter_which_may_not_approve_it()
    {
        var (lenderId, maker) = await LenderAsync();
        var collector = host.Client((await host.IssueKeyAsync(new { role = "collector", lenderId, teamId = "T1" })).Key);
        var account = $"/api/v1/lenders/{lenderId}/accounts/P-1";
        var record = $$"""{"currency":"CNY","principal":800,"interest":150,"fees":30,"penalty":20,"dueDate":"{{Records.DueDaysAgo(20)}}","borrowerName":"Test Borrower","timezone":"UTC"}""";
        Assert.Equal(HttpStatusCode.Created, (await maker.PutAsync(account, Json(record))).StatusCode);

        var plan = $$"""{"installments":[{"dueDate":"{{Date(5)}}","amount":400},{"dueDate":"{{Date(20)}}","amount":450}],"waive":{"interest":150} }""";
        Assert.Equal(HttpStatusCode.Accepted, (await collector.PostAsync($"{account}/plans", Json(plan))).StatusCode);
        await (await collector.PostAsync($"{account}/plans/approve", null)).ProblemAsync(HttpStatusCode.Forbidden);

        var approvals = await (await maker.GetAsync($"/api/v1/lenders/{lenderId}/approvals")).JsonAsync();
        var item = Assert.Single(approvals.GetProperty("items").EnumerateArray());
        Assert.Equal(("P-1", "Plan", 15m), (item.GetProperty("accountRef").GetString(), item.GetProperty("kind").GetString(), item.GetProperty("waivePercent").GetDecimal()));
        Assert.StartsWith($"collector:{lenderId}/T1@", item.GetProperty("submittedBy").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await maker.PostAsync($"{account}/plans/approve", null)).StatusCode);
        Assert.Empty((await (await maker.GetAsync($"/api/v1/lenders/{lenderId}/approvals")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_admin_rebuilds_the_index_from_the_stored_accounts_and_searches_answer_as_before()
    {
        var (lenderId, lender) = await LenderAsync();
        await lender.PostAsync($"/api/v1/lenders/{lenderId}/accounts/import", Ndjson(Records.Ndjson("R-1"), Records.Ndjson("R-2", daysPastDue: 40)));
        var url = $"/api/v1/lenders/{lenderId}/accounts?status=Active";
        var before = await RefsAsync(lender, url);

        var rebuilt = await (await host.Admin.PostAsync("/api/v1/admin/index/rebuild", null)).JsonAsync();

        Assert.True(rebuilt.GetProperty("accounts").GetInt64() >= 2);
        Assert.Equal(["R-1", "R-2"], before);
        Assert.Equal(before, await RefsAsync(lender, url));
    }
}
