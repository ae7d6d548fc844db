using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

[Collection(HostCollection.Name)]
public sealed partial class AgencyApiTests(HostFixture host)
{
    private static readonly string[] ProfileFields = ["name", "capacity", "lenders", "commissionRate"];

    [Fact]
    public async Task An_admin_puts_an_agency_that_admin_and_the_agency_itself_read_and_no_other_key_does()
    {
        var agencyId = NewId("AG");
        var lenderId = NewId("L");
        var put = await host.Admin.PutAsync($"/api/v1/agencies/{agencyId}",
            Json($$"""{"name":"North Recovery","capacity":5000,"lenders":["{{lenderId}}"],"commissionRate":0.18,"regions":[]}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var agency = await put.JsonAsync();
        Assert.Equal("North Recovery", agency.GetProperty("name").GetString());
        Assert.Equal(5000, agency.GetProperty("capacity").GetInt32());
        Assert.Equal(0, agency.GetProperty("current").GetInt64());
        Assert.Equal(5000, agency.GetProperty("available").GetInt64());
        Assert.Equal(0.18m, agency.GetProperty("commissionRate").GetDecimal());
        Assert.Equal(0, agency.GetProperty("performance").GetProperty("placements").GetInt64());

        var invalid = await host.Admin.PutAsync($"/api/v1/agencies/{agencyId}", Json("""{"name":"","capacity":-1,"lenders":["bad id"],"commissionRate":1.5}"""));
        var errors = (await invalid.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.All(ProfileFields, field => Assert.True(errors.TryGetProperty(field, out _), field));

        var (_, ownKey) = await host.IssueKeyAsync(new { role = "agency", agencyId });
        var (_, otherKey) = await host.IssueKeyAsync(new { role = "agency", agencyId = NewId("AG") });
        var (_, lenderKey) = await host.IssueKeyAsync(new { role = "lender", lenderId });
        Assert.Equal(HttpStatusCode.OK, (await host.Client(ownKey).GetAsync($"/api/v1/agencies/{agencyId}")).StatusCode);
        await (await host.Client(otherKey).GetAsync($"/api/v1/agencies/{agencyId}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await host.Admin.GetAsync($"/api/v1/agencies/{NewId("AG")}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await host.Client(ownKey).PutAsync($"/api/v1/agencies/{agencyId}", Json("""{"name":"x","capacity":1,"lenders":[],"commissionRate":0}"""))).ProblemAsync(HttpStatusCode.Forbidden);
        await (await host.Client(lenderKey).GetAsync($"/api/v1/agencies/{agencyId}")).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_agency_key_reads_and_acts_on_its_own_current_placements_only_and_every_other_account_answers_404()
    {
        var (lender, agency, agencyKey) = await AgencyWithLenderAsync(0.2m);
        var (otherLender, otherAgency, _) = await AgencyWithLenderAsync(0.1m);
        var placed = await PlacedAccountAsync(lender);
        var elsewhere = await PlacedAccountAsync(otherLender);
        var notPlaced = NewId("A");
        await PutAccountAsync(lender, notPlaced, daysPastDue: 10);
        var client = host.Client(agencyKey);

        var list = await (await client.GetAsync($"/api/v1/agencies/{agency}/placements")).JsonAsync();
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(placed, item.GetProperty("accountRef").GetString());
        Assert.Equal(lender, item.GetProperty("lenderId").GetString());
        Assert.Equal("Mid", item.GetProperty("stage").GetString());
        Assert.InRange(item.GetProperty("daysPastDue").GetInt32(), 39, 41);
        Assert.Equal(1000m, item.GetProperty("balance").GetProperty("total").GetDecimal());
        Assert.Equal("Test Borrower", item.GetProperty("borrowerName").GetString());
        Assert.Equal("+8613800138000", item.GetProperty("phone").GetString());
        Assert.True(item.TryGetProperty("placedAt", out _) && item.TryGetProperty("expiresAt", out _));
        Assert.Equal(JsonValueKind.Null, list.GetProperty("next").ValueKind);

        var account = await (await client.GetAsync($"/api/v1/agencies/{agency}/placements/{lender}/{placed}")).JsonAsync();
        Assert.Equal("Test Borrower", account.GetProperty("borrowerName").GetString());
        Assert.False(account.TryGetProperty("score", out _));
        Assert.False(account.TryGetProperty("holds", out _));

        // Every agency endpoint, for every account that is not placed with this agency now.
        string[] foreign = [$"{otherLender}/{elsewhere}", $"{lender}/{notPlaced}", $"{lender}/{NewId("A")}", $"{NewId("L")}/{placed}"];
        foreach (var target in foreign)
        {
            await AssertEveryPlacementEndpointAnswers404Async(client, agency, target);
        }

        // Another agency's resources, even an account placed with that agency, are not this key's to see.
        await (await client.GetAsync($"/api/v1/agencies/{otherAgency}/placements")).ProblemAsync(HttpStatusCode.NotFound);
        await AssertEveryPlacementEndpointAnswers404Async(client, otherAgency, $"{otherLender}/{elsewhere}");

        // Its own account, after the agency hands it back: gone from everything.
        var returned = await client.PostAsJsonAsync($"/api/v1/agencies/{agency}/placements/{lender}/{placed}/return", new { reason = "debtor moved abroad" });
        Assert.Equal(HttpStatusCode.OK, returned.StatusCode);
        Assert.Equal("Returned", (await returned.JsonAsync()).GetProperty("ended").GetString());
        await AssertEveryPlacementEndpointAnswers404Async(client, agency, $"{lender}/{placed}");
        Assert.Empty((await (await client.GetAsync($"/api/v1/agencies/{agency}/placements")).JsonAsync()).GetProperty("items").EnumerateArray());

        var view = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{placed}")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, view.GetProperty("placement").ValueKind);
        var events = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{placed}/events?limit=100")).JsonAsync();
        var returnedEvent = events.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "PlacementReturned");
        Assert.Equal($"agency:{agency}", returnedEvent.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Agency_contacts_are_compliance_checked_and_payments_are_credited_once_to_the_agency_and_its_lender_view()
    {
        var (lender, agency, agencyKey) = await AgencyWithLenderAsync(0.2m);
        var placed = await PlacedAccountAsync(lender);
        var client = host.Client(agencyKey);
        var path = $"/api/v1/agencies/{agency}/placements/{lender}/{placed}";

        for (var i = 0; i < 3; i++)
        {
            var contact = await client.PostAsJsonAsync($"{path}/activities", new { channel = "Call", outcome = "Conversation" });
            Assert.Equal(HttpStatusCode.Created, contact.StatusCode);
        }

        // The fourth call happened: refused with its rule, and recorded against the agency all the same.
        var fourth = await (await client.PostAsJsonAsync($"{path}/activities", new { channel = "Call", outcome = "Conversation" })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("effectiveCallsPerDay", fourth.GetProperty("rule").GetString());
        Assert.True(fourth.TryGetProperty("nextAllowedAt", out _));
        Assert.True(fourth.GetProperty("recorded").GetBoolean());
        var violation = Assert.Single(
            (await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{placed}/events?limit=100")).JsonAsync()).GetProperty("items").EnumerateArray(),
            e => e.GetProperty("type").GetString() == "ContactViolation");
        Assert.Equal(("effectiveCallsPerDay", $"agency:{agency}"), (violation.GetProperty("data").GetProperty("rule").GetString(), violation.GetProperty("actor").GetString()));
        await (await client.PostAsJsonAsync($"{path}/activities", new { channel = "Fax", outcome = "Conversation" })).ProblemAsync(HttpStatusCode.BadRequest);

        var promiseDue = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(5)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var promised = await client.PostAsJsonAsync($"{path}/activities", new { channel = "Sms", outcome = "PromiseToPay", promise = new { amount = 300, dueDate = promiseDue } });
        Assert.Equal(HttpStatusCode.Created, promised.StatusCode);
        Assert.Equal(300m, (await promised.JsonAsync()).GetProperty("promise").GetProperty("amount").GetDecimal());

        var paid = await (await client.PostAsJsonAsync($"{path}/payments", new { paymentId = "AP-1", amount = 100.50m })).JsonAsync();
        Assert.True(paid.GetProperty("recorded").GetBoolean());
        Assert.Equal(20.10m, paid.GetProperty("commission").GetDecimal());
        Assert.Equal(899.50m, paid.GetProperty("account").GetProperty("balance").GetProperty("total").GetDecimal());
        var again = await (await client.PostAsJsonAsync($"{path}/payments", new { paymentId = "AP-1", amount = 100.50m })).JsonAsync();
        Assert.False(again.GetProperty("recorded").GetBoolean());
        await (await client.PostAsJsonAsync($"{path}/payments", new { paymentId = "AP-1", amount = 7 })).ProblemAsync(HttpStatusCode.Conflict);

        var (_, lenderKey) = await host.IssueKeyAsync(new { role = "lender", lenderId = lender });
        var agencies = await (await host.Client(lenderKey).GetAsync($"/api/v1/lenders/{lender}/agencies")).JsonAsync();
        var row = Assert.Single(agencies.GetProperty("items").EnumerateArray());
        Assert.Equal(agency, row.GetProperty("agencyId").GetString());
        Assert.Equal(1, row.GetProperty("current").GetInt64());
        Assert.Equal(100.50m, row.GetProperty("collected").GetProperty("CNY").GetDecimal());
        Assert.Equal(20.10m, row.GetProperty("commissionEarned").GetProperty("CNY").GetDecimal());
        Assert.Equal(5, row.GetProperty("contactAttempts").GetInt64());
        Assert.Equal(1, row.GetProperty("violations").GetInt64());
        Assert.Equal(1, row.GetProperty("promisesMade").GetInt64());
        Assert.Equal(0.1005m, row.GetProperty("recoveryRate").GetDecimal());

        var (_, otherLenderKey) = await host.IssueKeyAsync(new { role = "lender", lenderId = NewId("L") });
        await (await host.Client(otherLenderKey).GetAsync($"/api/v1/lenders/{lender}/agencies")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync($"/api/v1/lenders/{lender}/agencies")).ProblemAsync(HttpStatusCode.Forbidden);

        // Paying the rest ends the placement; the agency may retry the payment and gets the same answer.
        var rest = await (await client.PostAsJsonAsync($"{path}/payments", new { paymentId = "AP-2", amount = 899.50m })).JsonAsync();
        Assert.Equal("PaidInFull", rest.GetProperty("placementEnded").GetString());
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("account").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"{path}/payments", new { paymentId = "AP-2", amount = 899.50m })).StatusCode);
        await (await client.GetAsync(path)).ProblemAsync(HttpStatusCode.NotFound);
        var performance = (await (await client.GetAsync($"/api/v1/agencies/{agency}")).JsonAsync()).GetProperty("performance");
        Assert.Equal(1000m, performance.GetProperty("collected").GetProperty("CNY").GetDecimal());
        Assert.Equal(1, performance.GetProperty("ended").GetProperty("PaidInFull").GetInt32());
        Assert.Equal(1.0m, performance.GetProperty("completedRecoveryRate").GetDecimal());
    }

    [Fact]
    public async Task A_dispute_recalls_the_placement_and_the_agency_sees_it_no_more()
    {
        var (lender, agency, agencyKey) = await AgencyWithLenderAsync(0.2m);
        var placed = await PlacedAccountAsync(lender);
        var client = host.Client(agencyKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/agencies/{agency}/placements/{lender}/{placed}")).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostAsJsonAsync($"/api/v1/lenders/{lender}/accounts/{placed}/disputes", new { reason = "not my debt" })).StatusCode);

        await AssertEveryPlacementEndpointAnswers404Async(client, agency, $"{lender}/{placed}");
        var ended = (await (await host.Admin.GetAsync($"/api/v1/agencies/{agency}")).JsonAsync()).GetProperty("performance").GetProperty("ended");
        Assert.Equal(1, ended.GetProperty("Dispute").GetInt32());
    }

    [Fact]
    public async Task The_work_list_pages_by_cursor_and_rejects_a_bad_cursor_or_limit()
    {
        var (lender, agency, agencyKey) = await AgencyWithLenderAsync(0.2m);
        var refs = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            refs.Add(await PlacedAccountAsync(lender));
        }

        var client = host.Client(agencyKey);
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync($"/api/v1/agencies/{agency}/placements?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}")).JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("accountRef").GetString()!));
            cursor = page.GetProperty("next").GetString();
        }
        while (cursor is not null);

        Assert.Equal(refs, seen);
        await (await client.GetAsync($"/api/v1/agencies/{agency}/placements?cursor=abc")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await client.GetAsync($"/api/v1/agencies/{agency}/placements?limit=0")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    private async Task AssertEveryPlacementEndpointAnswers404Async(HttpClient client, string agency, string lenderAndRef)
    {
        var path = $"/api/v1/agencies/{agency}/placements/{lenderAndRef}";
        await (await client.GetAsync(path)).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"{path}/activities", new { channel = "Sms", outcome = "NoAnswer" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"{path}/payments", new { paymentId = NewId("P"), amount = 1 })).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"{path}/return", new { reason = "probe" })).ProblemAsync(HttpStatusCode.NotFound);
        await AssertEveryWorkEndpointAnswers404Async(client, agency, lenderAndRef);
    }

    /// <summary>A new lender served by a new agency of its own, and that agency's key.</summary>
    private async Task<(string Lender, string Agency, string Key)> AgencyWithLenderAsync(decimal commissionRate)
    {
        var lender = NewId("L");
        var agency = NewId("AG");
        var put = await host.Admin.PutAsync($"/api/v1/agencies/{agency}", Json(
            $$"""{"name":"Agency {{agency}}","capacity":100,"lenders":["{{lender}}"],"commissionRate":{{commissionRate.ToString(CultureInfo.InvariantCulture)}}}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var (_, key) = await host.IssueKeyAsync(new { role = "agency", agencyId = agency });

        // The allocation cache sees the new agency.
        host.ExpireAgencyCatalog();
        return (lender, agency, key);
    }

    /// <summary>An account at DPD 40 (Mid): placed as it is imported. Its debtor lives where it is midday now, inside every contact window.</summary>
    private async Task<string> PlacedAccountAsync(string lender)
    {
        var accountRef = NewId("A");
        var view = await PutAccountAsync(lender, accountRef, daysPastDue: 40);
        Assert.Equal("Mid", view.GetProperty("stage").GetString());
        Assert.Equal(JsonValueKind.Object, view.GetProperty("placement").ValueKind);
        return accountRef;
    }

    private async Task<JsonElement> PutAccountAsync(string lender, string accountRef, int daysPastDue)
    {
        var offset = 12 - DateTime.UtcNow.Hour;
        var zone = offset >= 0 ? $"Etc/GMT-{offset}" : $"Etc/GMT+{-offset}";
        var response = await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(
            $$"""{"currency":"CNY","principal":1000,"dueDate":"{{Records.DueDaysAgo(daysPastDue)}}","borrowerName":"Test Borrower","phone":"+8613800138000","timezone":"{{zone}}"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }
}
