using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>Agencies working the account themselves: the account's own commands as the agency, files, statements, supervision.</summary>
public sealed partial class AgencyApiTests
{
    private static string InDays(int days) => DateOnly.FromDateTime(DateTime.UtcNow.AddDays(days)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string ThisMonth => DateTime.UtcNow.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_agency_asks_before_it_dials_and_gets_the_lenders_answer()
    {
        var (lender, agency, agencyKey) = await AgencyWithLenderAsync(0.2m);
        var placed = await PlacedAccountAsync(lender);
        var client = host.Client(agencyKey);

        foreach (var channel in new[] { "Call", "Sms", "Email", "Letter" })
        {
            var asAgency = await (await client.GetAsync($"/api/v1/agencies/{agency}/placements/{lender}/{placed}/contact-permission?channel={channel}")).JsonAsync();
            var asLender = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{placed}/contact-permission?channel={channel}")).JsonAsync();
            foreach (var field in new[] { "allowed", "rule", "detail" })
            {
                Assert.Equal(asLender.GetProperty(field).GetRawText(), asAgency.GetProperty(field).GetRawText());
            }

            // nextAllowedAt is counted from the moment of asking.
            Assert.Equal(asLender.GetProperty("nextAllowedAt").ValueKind, asAgency.GetProperty("nextAllowedAt").ValueKind);
        }

        await (await client.GetAsync($"/api/v1/agencies/{agency}/placements/{lender}/{placed}/contact-permission?channel=Fax")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task What_the_debtor_tells_the_agency_is_recorded_as_the_agency_and_proposals_wait_for_the_lender()
    {
        var (lender, agency, agencyKey) = await AgencyWithLenderAsync(0.2m);
        var client = host.Client(agencyKey);
        string Path(string accountRef) => $"/api/v1/agencies/{agency}/placements/{lender}/{accountRef}";

        var promised = await PlacedAccountAsync(lender);
        var promise = await client.PostAsJsonAsync($"{Path(promised)}/promises", new { amount = 300, dueDate = InDays(5) });
        Assert.Equal(HttpStatusCode.Created, promise.StatusCode);
        Assert.Equal(300m, (await promise.JsonAsync()).GetProperty("account").GetProperty("promise").GetProperty("amount").GetDecimal());

        // Within every limit of the strategy, still pending: the lender approves what an agency proposes.
        var planned = await PlacedAccountAsync(lender);
        var plan = await client.PostAsJsonAsync($"{Path(planned)}/plans", new { installments = new[] { new { dueDate = InDays(10), amount = 500 }, new { dueDate = InDays(40), amount = 500 } } });
        Assert.Equal(HttpStatusCode.Accepted, plan.StatusCode);
        Assert.Equal("PendingApproval", (await LenderViewAsync(lender, planned)).GetProperty("plan").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/{planned}/plans/approve", null)).StatusCode);
        Assert.Equal("Active", (await LenderViewAsync(lender, planned)).GetProperty("plan").GetProperty("status").GetString());

        var settled = await PlacedAccountAsync(lender);
        var settlement = await client.PostAsJsonAsync($"{Path(settled)}/settlements", new { amount = 950, expiresOn = InDays(5) });
        Assert.Equal(HttpStatusCode.Accepted, settlement.StatusCode);
        Assert.Equal("PendingApproval", (await LenderViewAsync(lender, settled)).GetProperty("settlement").GetProperty("status").GetString());
        await (await client.PostAsJsonAsync($"{Path(settled)}/settlements", new { amount = 10, expiresOn = InDays(5) })).ProblemAsync(HttpStatusCode.Conflict);

        // Hardship keeps the placement; bankruptcy recalls it; a fraud claim is the lender's to record.
        var held = await PlacedAccountAsync(lender);
        var hardship = await (await client.PostAsJsonAsync($"{Path(held)}/holds", new { type = "Hardship", note = "lost job" })).JsonAsync();
        Assert.Equal(JsonValueKind.Object, hardship.GetProperty("account").ValueKind);
        await (await client.PostAsJsonAsync($"{Path(held)}/holds", new { type = "Fraud" })).ProblemAsync(HttpStatusCode.BadRequest);
        var bankrupt = await client.PostAsJsonAsync($"{Path(held)}/holds", new { type = "Bankruptcy" });
        Assert.Equal(HttpStatusCode.Created, bankrupt.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await bankrupt.JsonAsync()).GetProperty("account").ValueKind);
        await (await client.GetAsync(Path(held))).ProblemAsync(HttpStatusCode.NotFound);

        var disputed = await PlacedAccountAsync(lender);
        var dispute = await client.PostAsJsonAsync($"{Path(disputed)}/disputes", new { reason = "already paid" });
        Assert.Equal(HttpStatusCode.Created, dispute.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await dispute.JsonAsync()).GetProperty("account").ValueKind);
        Assert.Equal("already paid", (await LenderViewAsync(lender, disputed)).GetProperty("dispute").GetProperty("reason").GetString());

        var types = new Dictionary<string, string>
        {
            [promised] = "PromiseMade", [planned] = "PlanSubmitted", [settled] = "SettlementOffered", [held] = "HoldPlaced", [disputed] = "DisputeOpened",
        };
        foreach (var (accountRef, type) in types)
        {
            var events = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/events?limit=100")).JsonAsync();
            Assert.All(
                events.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("type").GetString() == type),
                e => Assert.Equal($"agency:{agency}", e.GetProperty("actor").GetString()));
        }

        // Supervision: the dispute raised while placed is a complaint against the agency.
        var row = Assert.Single((await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/agencies")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(1, row.GetProperty("complaints").GetInt64());
        Assert.Equal(0, row.GetProperty("violations").GetInt64());
        Assert.Equal(1, row.GetProperty("promisesMade").GetInt64());
    }

    [Fact]
    public async Task A_new_number_the_debtor_gives_the_agency_is_recorded_as_the_agency_and_lifts_the_wrong_number_block()
    {
        var (lender, agency, agencyKey) = await AgencyWithLenderAsync(0.2m);
        var placed = await PlacedAccountAsync(lender);
        var client = host.Client(agencyKey);
        var path = $"/api/v1/agencies/{agency}/placements/{lender}/{placed}";
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"{path}/activities", new { channel = "Call", outcome = "WrongNumber" })).StatusCode);
        var blocked = await (await client.GetAsync($"{path}/contact-permission?channel=Call")).JsonAsync();
        Assert.Equal((false, "wrong-number"), (blocked.GetProperty("allowed").GetBoolean(), blocked.GetProperty("rule").GetString()));

        var changed = await client.PostAsJsonAsync($"{path}/contact-info", new { phone = "+8613900139000", address = "1 Bund Road, Shanghai", source = "debtor" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("+8613900139000", (await changed.JsonAsync()).GetProperty("account").GetProperty("phone").GetString());
        var permission = await (await client.GetAsync($"{path}/contact-permission?channel=Call")).JsonAsync();
        Assert.NotEqual("wrong-number", permission.GetProperty("rule").GetString());
        Assert.Equal("1 Bund Road, Shanghai", (await LenderViewAsync(lender, placed)).GetProperty("contact").GetProperty("address").GetString());

        // Without a source it is the agency's word; with nothing to change it is a 400 naming the fields.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"{path}/contact-info", new { email = "debtor@example.com" })).StatusCode);
        await (await client.PostAsJsonAsync($"{path}/contact-info", new { phone = "12345" })).ProblemAsync(HttpStatusCode.BadRequest);
        var audited = (await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{placed}/events?limit=100")).JsonAsync())
            .GetProperty("items").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "ContactInfoChanged").ToList();
        Assert.Equal(["debtor", "agency"], audited.Select(e => e.GetProperty("data").GetProperty("source").GetString()));
        Assert.All(audited, e => Assert.Equal($"agency:{agency}", e.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task An_agency_contact_that_breaks_a_rule_is_recorded_as_its_violation_counts_toward_the_caps_and_in_its_supervision_figures()
    {
        var (lender, agency, agencyKey) = await AgencyWithLenderAsync(0.2m);
        var client = host.Client(agencyKey);
        var disputed = await PlacedAccountAsync(lender);
        var ceased = await PlacedAccountAsync(lender);
        string Path(string accountRef) => $"/api/v1/agencies/{agency}/placements/{lender}/{accountRef}";

        // A cease request keeps the placement: a call after it is a violation, recorded and counted.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"{Path(ceased)}/holds", new { type = "CeaseCommunication" })).StatusCode);
        var afterCease = await (await client.PostAsJsonAsync($"{Path(ceased)}/activities", new { channel = "Call", outcome = "Conversation" })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("ceaseCommunication", afterCease.GetProperty("rule").GetString());
        Assert.True(afterCease.GetProperty("recorded").GetBoolean());

        // An activity file line that breaks a rule is recorded once as a violation: sent again, it is a duplicate.
        var at = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var line = $$"""{"lenderId":"{{lender}}","accountRef":"{{ceased}}","activityId":"V-1","channel":"Sms","outcome":"NoAnswer","at":"{{at}}"}""" + "\n";
        var summary = await ImportAsync(client, $"/api/v1/agencies/{agency}/activities/import", line, "application/x-ndjson");
        Assert.Equal((0, 1), (summary.GetProperty("recorded").GetInt64(), summary.GetProperty("rejected").GetInt64()));
        Assert.Contains("ceaseCommunication", Assert.Single(summary.GetProperty("errors").EnumerateArray()).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await ImportAsync(client, $"/api/v1/agencies/{agency}/activities/import", line, "application/x-ndjson")).GetProperty("duplicate").GetInt64());

        var violations = (await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{ceased}/events?limit=100")).JsonAsync())
            .GetProperty("items").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "ContactViolation").ToList();
        Assert.Equal(2, violations.Count);
        Assert.All(violations, e => Assert.Equal($"agency:{agency}", e.GetProperty("actor").GetString()));

        // A dispute raised by the lender ends the placement: the agency may record nothing more there.
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostAsJsonAsync($"/api/v1/lenders/{lender}/accounts/{disputed}/disputes", new { reason = "not mine" })).StatusCode);
        await (await client.PostAsJsonAsync($"{Path(disputed)}/activities", new { channel = "Call", outcome = "Conversation" })).ProblemAsync(HttpStatusCode.NotFound);

        var row = Assert.Single((await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/agencies")).JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(2, row.GetProperty("violations").GetInt64());
        Assert.Equal(2, row.GetProperty("contactAttempts").GetInt64());
        var portfolio = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/portfolio")).JsonAsync();
        Assert.Equal(2, portfolio.GetProperty("violations").GetProperty($"agency:{agency}").GetInt64());
    }

    [Fact]
    public async Task The_monthly_statement_shows_each_lender_the_payments_credited_and_the_commission_at_the_agencys_rate()
    {
        var (lender, agency, agencyKey) = await AgencyWithLenderAsync(0.18m);
        var client = host.Client(agencyKey);
        var first = await PlacedAccountAsync(lender);
        var second = await PlacedAccountAsync(lender);
        await client.PostAsJsonAsync($"/api/v1/agencies/{agency}/placements/{lender}/{first}/payments", new { paymentId = "S-1", amount = 100.55m });
        await client.PostAsJsonAsync($"/api/v1/agencies/{agency}/placements/{lender}/{second}/payments", new { paymentId = "S-2", amount = 1000m });

        var statement = await (await client.GetAsync($"/api/v1/agencies/{agency}/statement?month={ThisMonth}")).JsonAsync();
        Assert.Equal(0.18m, statement.GetProperty("commissionRate").GetDecimal());
        var line = Assert.Single(statement.GetProperty("lenders").EnumerateArray());
        Assert.Equal(lender, line.GetProperty("lenderId").GetString());
        Assert.Equal(1100.55m, line.GetProperty("paymentsCredited").GetProperty("CNY").GetDecimal());
        Assert.Equal(18.10m + 180m, line.GetProperty("commission").GetProperty("CNY").GetDecimal());
        Assert.Equal(2, line.GetProperty("placementsOpened").GetInt64());
        Assert.Equal(1, line.GetProperty("placementsEnded").GetInt64());
        Assert.Equal(1, line.GetProperty("endedBy").GetProperty("PaidInFull").GetInt64());

        var (_, lenderKey) = await host.IssueKeyAsync(new { role = "lender", lenderId = lender });
        var lenders = await (await host.Client(lenderKey).GetAsync($"/api/v1/lenders/{lender}/agencies/{agency}/statement?month={ThisMonth}")).JsonAsync();
        Assert.Equal(line.GetRawText(), Assert.Single(lenders.GetProperty("lenders").EnumerateArray()).GetRawText());

        var lastYear = await (await client.GetAsync($"/api/v1/agencies/{agency}/statement?month={DateTime.UtcNow.AddYears(-1):yyyy-MM}")).JsonAsync();
        Assert.Equal(0, Assert.Single(lastYear.GetProperty("lenders").EnumerateArray()).GetProperty("placementsOpened").GetInt64());
        await (await client.GetAsync($"/api/v1/agencies/{agency}/statement?month=2026-13")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await client.GetAsync($"/api/v1/agencies/{agency}/statement")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await host.Client(lenderKey).GetAsync($"/api/v1/lenders/{lender}/agencies/{NewId("AG")}/statement?month={ThisMonth}")).ProblemAsync(HttpStatusCode.NotFound);
        var (_, otherLenderKey) = await host.IssueKeyAsync(new { role = "lender", lenderId = NewId("L") });
        await (await host.Client(otherLenderKey).GetAsync($"/api/v1/lenders/{lender}/agencies/{agency}/statement?month={ThisMonth}")).ProblemAsync(HttpStatusCode.NotFound);
        var (_, otherAgencyKey) = await host.IssueKeyAsync(new { role = "agency", agencyId = NewId("AG") });
        await (await host.Client(otherAgencyKey).GetAsync($"/api/v1/agencies/{agency}/statement?month={ThisMonth}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_activity_file_lands_its_good_lines_names_its_bad_ones_and_changes_nothing_when_sent_again()
    {
        var (lender, agency, agencyKey) = await AgencyWithLenderAsync(0.2m);
        var (otherLender, _, _) = await AgencyWithLenderAsync(0.2m);
        var placed = await PlacedAccountAsync(lender);
        var elsewhere = await PlacedAccountAsync(otherLender);
        var client = host.Client(agencyKey);
        var at = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var file = string.Join('\n',
            $$"""{"lenderId":"{{lender}}","accountRef":"{{placed}}","activityId":"ACT-1","channel":"Call","outcome":"Conversation","at":"{{at}}"}""",
            $$"""{"lenderId":"{{lender}}","accountRef":"{{placed}}","activityId":"ACT-2","channel":"Sms","outcome":"PromiseToPay","at":"{{at}}","promiseAmount":"200","promiseDueDate":"{{InDays(5)}}"}""",
            $$"""{"lenderId":"{{lender}}","accountRef":"{{placed}}","activityId":"ACT-3","channel":"Fax","outcome":"Conversation","at":"{{at}}"}""",
            $$"""{"lenderId":"{{otherLender}}","accountRef":"{{elsewhere}}","activityId":"ACT-4","channel":"Call","outcome":"NoAnswer","at":"{{at}}"}""",
            $$"""{"lenderId":"{{lender}}","accountRef":"{{placed}}","activityId":"ACT-5","channel":"Call","outcome":"NoAnswer","at":"{{at}}","colour":"red"}""",
            "not json") + "\n";

        var summary = await ImportAsync(client, $"/api/v1/agencies/{agency}/activities/import", file, "application/x-ndjson");
        Assert.Equal((6, 2, 0, 4), (summary.GetProperty("received").GetInt64(), summary.GetProperty("recorded").GetInt64(), summary.GetProperty("duplicate").GetInt64(), summary.GetProperty("rejected").GetInt64()));
        var errors = summary.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("line").GetInt64(), e => e.GetProperty("error").GetString()!);
        Assert.Equal([3L, 4L, 5L, 6L], errors.Keys.Order());
        Assert.Contains("channel", errors[3], StringComparison.Ordinal);
        Assert.Contains("no current placement", errors[4], StringComparison.Ordinal);
        Assert.Contains("colour", errors[5], StringComparison.Ordinal);

        var again = await ImportAsync(client, $"/api/v1/agencies/{agency}/activities/import", file, "application/x-ndjson");
        Assert.Equal((0, 2), (again.GetProperty("recorded").GetInt64(), again.GetProperty("duplicate").GetInt64()));
        var events = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{placed}/events?limit=100")).JsonAsync();
        var contacts = events.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "AgencyContactRecorded").ToList();
        Assert.Equal(2, contacts.Count);
        Assert.All(contacts, e => Assert.Equal($"agency:{agency}", e.GetProperty("actor").GetString()));
        Assert.Equal(200m, (await LenderViewAsync(lender, placed)).GetProperty("promise").GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task A_payment_file_credits_each_payment_once_and_rejects_lines_it_cannot_credit()
    {
        var (lender, agency, agencyKey) = await AgencyWithLenderAsync(0.1m);
        var placed = await PlacedAccountAsync(lender);
        var notPlaced = NewId("A");
        await PutAccountAsync(lender, notPlaced, daysPastDue: 10);
        var client = host.Client(agencyKey);
        var paidAt = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var file = $"lenderId,accountRef,paymentId,amount,paidAt\n{lender},{placed},PF-1,100.00,{paidAt}\n{lender},{placed},PF-1,100.00,{paidAt}\n"
            + $"{lender},{notPlaced},PF-2,50,{paidAt}\n{lender},{placed},PF-3,-5,{paidAt}\n,{placed},PF-4,5,{paidAt}\n";

        var summary = await ImportAsync(client, $"/api/v1/agencies/{agency}/payments/import", file, "text/csv");
        Assert.Equal((5, 1, 1, 3), (summary.GetProperty("received").GetInt64(), summary.GetProperty("applied").GetInt64(), summary.GetProperty("duplicate").GetInt64(), summary.GetProperty("rejected").GetInt64()));
        Assert.Equal(900m, (await LenderViewAsync(lender, placed)).GetProperty("balance").GetProperty("total").GetDecimal());
        var again = await ImportAsync(client, $"/api/v1/agencies/{agency}/payments/import", file, "text/csv");
        Assert.Equal((0, 2), (again.GetProperty("applied").GetInt64(), again.GetProperty("duplicate").GetInt64()));

        var statement = await (await client.GetAsync($"/api/v1/agencies/{agency}/statement?month={ThisMonth}")).JsonAsync();
        Assert.Equal(10m, Assert.Single(statement.GetProperty("lenders").EnumerateArray()).GetProperty("commission").GetProperty("CNY").GetDecimal());
        var (_, lenderKey) = await host.IssueKeyAsync(new { role = "lender", lenderId = lender });
        await (await host.Client(lenderKey).PostAsync($"/api/v1/agencies/{agency}/payments/import", new StringContent(file, Encoding.UTF8, "text/csv"))).ProblemAsync(HttpStatusCode.Forbidden);
    }

    private async Task AssertEveryWorkEndpointAnswers404Async(HttpClient client, string agency, string lenderAndRef)
    {
        var path = $"/api/v1/agencies/{agency}/placements/{lenderAndRef}";
        await (await client.GetAsync($"{path}/contact-permission?channel=Call")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"{path}/disputes", new { reason = "probe" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"{path}/holds", new { type = "Hardship" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"{path}/contact-info", new { phone = "+8613900139000" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"{path}/promises", new { amount = 10, dueDate = InDays(3) })).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"{path}/plans", new { installments = new[] { new { dueDate = InDays(10), amount = 1000 } } })).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsJsonAsync($"{path}/settlements", new { amount = 900, expiresOn = InDays(5) })).ProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<JsonElement> LenderViewAsync(string lender, string accountRef) =>
        await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}")).JsonAsync();

    private static async Task<JsonElement> ImportAsync(HttpClient client, string path, string body, string mediaType)
    {
        var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, mediaType));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
