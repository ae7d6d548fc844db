using System.Net;
using System.Text.Json;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>Declining a plan or settlement that waits for approval: the lender's "no", with its reason, maker–checker as for approving.</summary>
[Collection(HostCollection.Name)]
public sealed class DeclineApiTests(HostFixture host)
{
    private static string Record() =>
        $$"""{"currency":"CNY","principal":800,"interest":150,"fees":30,"penalty":20,"dueDate":"{{Records.DueDaysAgo(20)}}","borrowerName":"Test Borrower","timezone":"UTC"}""";

    private async Task<List<JsonElement>> EventsAsync(HttpClient client, string account) =>
        [.. (await (await client.GetAsync($"{account}/events?limit=1000")).JsonAsync()).GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task A_lender_declines_a_collectors_plan_with_a_reason_which_drops_it_from_the_account_and_the_approvals_and_is_audited()
    {
        var lenderId = NewId("L");
        var lender = host.Client((await host.IssueKeyAsync(new { role = "lender", lenderId })).Key);
        var collector = host.Client((await host.IssueKeyAsync(new { role = "collector", lenderId, teamId = "T1" })).Key);
        var account = $"/api/v1/lenders/{lenderId}/accounts/P-1";
        Assert.Equal(HttpStatusCode.Created, (await lender.PutAsync(account, Json(Record()))).StatusCode);
        var plan = $$"""{"installments":[{"dueDate":"{{Records.DaysFromToday(5)}}","amount":400},{"dueDate":"{{Records.DaysFromToday(20)}}","amount":450}],"waive":{"interest":150} }""";
        Assert.Equal(HttpStatusCode.Accepted, (await collector.PostAsync($"{account}/plans", Json(plan))).StatusCode);

        await (await collector.PostAsync($"{account}/plans/decline", Json("""{"reason":"mine"}"""))).ProblemAsync(HttpStatusCode.Forbidden);
        var noReason = await (await lender.PostAsync($"{account}/plans/decline", Json("""{"reason":"  "}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("1–500 characters", noReason.GetProperty("errors").GetProperty("reason")[0].GetString(), StringComparison.Ordinal);
        await (await lender.PostAsync($"{account}/plans/decline", Json($$"""{"reason":"{{new string('x', 501)}}"}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await lender.PostAsync($"{account}/settlements/decline", Json("""{"reason":"none"}"""))).ProblemAsync(HttpStatusCode.Conflict);

        var declined = await lender.PostAsync($"{account}/plans/decline", Json("""{"reason":"waiver too large for a first plan"}"""));

        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await declined.JsonAsync()).GetProperty("plan").ValueKind);
        Assert.Empty((await (await lender.GetAsync($"/api/v1/lenders/{lenderId}/approvals")).JsonAsync()).GetProperty("items").EnumerateArray());
        var audited = (await EventsAsync(lender, account)).Single(e => e.GetProperty("type").GetString() == "PlanDeclined");
        Assert.Equal("waiver too large for a first plan", audited.GetProperty("data").GetProperty("reason").GetString());
        Assert.StartsWith($"lender:{lenderId}@", audited.GetProperty("actor").GetString(), StringComparison.Ordinal);
        var again = await (await lender.PostAsync($"{account}/plans/decline", Json("""{"reason":"again"}"""))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("no plan is pending approval", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await collector.PostAsync($"{account}/promises", Json($$"""{"amount":300,"dueDate":"{{Records.DaysFromToday(5)}}"}"""))).StatusCode);
    }

    [Fact]
    public async Task The_key_that_offered_a_settlement_cannot_decline_it_and_another_key_of_the_lender_can()
    {
        var lenderId = NewId("L");
        var maker = host.Client((await host.IssueKeyAsync(new { role = "lender", lenderId })).Key);
        var checker = host.Client((await host.IssueKeyAsync(new { role = "lender", lenderId })).Key);
        var account = $"/api/v1/lenders/{lenderId}/accounts/S-1";
        Assert.Equal(HttpStatusCode.Created, (await maker.PutAsync(account, Json(Record()))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await maker.PostAsync($"{account}/settlements", Json($$"""{"amount":700,"expiresOn":"{{Records.DaysFromToday(10)}}"}"""))).StatusCode);

        var own = await (await maker.PostAsync($"{account}/settlements/decline", Json("""{"reason":"withdrawn"}"""))).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("maker–checker", own.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var declined = await checker.PostAsync($"{account}/settlements/decline", Json("""{"reason":"below our floor"}"""));

        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await declined.JsonAsync()).GetProperty("settlement").ValueKind);
        Assert.Contains(await EventsAsync(checker, account), e => e.GetProperty("type").GetString() == "SettlementDeclined");
        var paths = (await (await host.Admin.GetAsync("/openapi/v1.json")).JsonAsync()).GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/lenders/{lenderId}/accounts/{accountRef}/plans/decline", out _));
        Assert.True(paths.TryGetProperty("/api/v1/lenders/{lenderId}/accounts/{accountRef}/settlements/decline", out _));
    }
}
