using System.Globalization;
using System.Net;
using System.Text.Json;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>
/// Promises, plans, settlements, disputes, holds, litigation and the evidence bundle over real HTTP:
/// every status code API.md gives these endpoints, and that a refused request changes nothing. The
/// business clock runs at real time here; the wake's decisions on fake time are in the grain tests.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class NegotiationApiTests(HostFixture host)
{
    private static string Date(int fromToday) =>
        DateOnly.FromDateTime(DateTime.UtcNow).AddDays(fromToday).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A fresh account of a fresh lender, 1 000.00 CNY owed, <paramref name="daysPastDue"/> days past due; returns its URL.</summary>
    private async Task<string> AccountAsync(int daysPastDue = 20, decimal principal = 1000m)
    {
        var lender = NewId("L");
        var accountRef = NewId("A");
        var url = $"/api/v1/lenders/{lender}/accounts/{accountRef}";
        var created = await host.Admin.PutAsync(url, Json(Records.Ndjson(accountRef, principal, daysPastDue)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return url;
    }

    private async Task<JsonElement> ViewAsync(string url) => await (await host.Admin.GetAsync(url)).JsonAsync();

    private async Task<HttpResponseMessage> PostAsync(string url, string json) => await host.Admin.PostAsync(url, Json(json));

    /// <summary>Asserts the problem status and that the account's history did not grow.</summary>
    private async Task<JsonElement> RefusedAsync(string account, Func<Task<HttpResponseMessage>> request, HttpStatusCode status)
    {
        var before = (await ViewAsync(account)).GetProperty("eventCount").GetInt64();
        var problem = await (await request()).ProblemAsync(status);
        Assert.Equal(before, (await ViewAsync(account)).GetProperty("eventCount").GetInt64());
        return problem;
    }

    [Fact]
    public async Task A_promise_is_201_and_bad_input_conflicts_and_limits_get_400_409_and_422_without_changing_anything()
    {
        var account = await AccountAsync();

        var missing = await RefusedAsync(account, () => PostAsync($"{account}/promises", "{}"), HttpStatusCode.BadRequest);
        Assert.True(missing.GetProperty("errors").TryGetProperty("amount", out _));
        Assert.True(missing.GetProperty("errors").TryGetProperty("dueDate", out _));
        await RefusedAsync(account, () => PostAsync($"{account}/promises", $$"""{"amount":1.001,"dueDate":"{{Date(3)}}"}"""), HttpStatusCode.BadRequest);
        await RefusedAsync(account, () => PostAsync($"{account}/promises", $$"""{"amount":100,"dueDate":"{{Date(-3)}}"}"""), HttpStatusCode.BadRequest);
        await RefusedAsync(account, () => PostAsync($"{account}/promises", """{"amount":100,"dueDate":"soon"}"""), HttpStatusCode.BadRequest);
        var tooFar = await RefusedAsync(account, () => PostAsync($"{account}/promises", $$"""{"amount":100,"dueDate":"{{Date(45)}}"}"""), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("maxPromiseDays", tooFar.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var made = await PostAsync($"{account}/promises", $$"""{"amount":100.00,"dueDate":"{{Date(3)}}"}""");
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var promise = (await made.JsonAsync()).GetProperty("promise");
        Assert.Equal(100m, promise.GetProperty("amount").GetDecimal());
        Assert.Equal(Date(5), promise.GetProperty("lastDay").GetString());
        Assert.Equal("promise", (await ViewAsync(account)).GetProperty("escalationHeldBy").GetString());

        var second = await RefusedAsync(account, () => PostAsync($"{account}/promises", $$"""{"amount":50,"dueDate":"{{Date(4)}}"}"""), HttpStatusCode.Conflict);
        Assert.Contains("is open", second.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var unknown = await PostAsync($"{account}-nope/promises", $$"""{"amount":50,"dueDate":"{{Date(4)}}"}""");
        await unknown.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_promise_on_a_closed_account_is_409_and_another_lenders_key_sees_404()
    {
        var account = await AccountAsync();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync($"{account}/close", """{"reason":"Recalled"}""")).StatusCode);

        var closed = await RefusedAsync(account, () => PostAsync($"{account}/promises", $$"""{"amount":100,"dueDate":"{{Date(3)}}"}"""), HttpStatusCode.Conflict);
        Assert.Contains("closed", closed.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (_, otherKey) = await host.IssueKeyAsync(new { role = "lender", lenderId = NewId("L") });
        var other = await host.Client(otherKey).PostAsync($"{account}/promises", Json($$"""{"amount":100,"dueDate":"{{Date(3)}}"}"""));
        await other.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_plan_is_201_in_force_202_pending_approval_400_when_it_does_not_add_up_409_twice_and_422_outside_the_limits()
    {
        var account = await AccountAsync(principal: 1000m);

        var notAddingUp = await RefusedAsync(account, () => PostAsync($"{account}/plans",
            $$"""{"installments":[{"dueDate":"{{Date(5)}}","amount":400},{"dueDate":"{{Date(35)}}","amount":400}]}"""), HttpStatusCode.BadRequest);
        Assert.Contains("make up the balance", notAddingUp.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await RefusedAsync(account, () => PostAsync($"{account}/plans", """{"installments":[]}"""), HttpStatusCode.BadRequest);
        await RefusedAsync(account, () => PostAsync($"{account}/plans", """{"installments":[{"amount":1000}]}"""), HttpStatusCode.BadRequest);
        var beyondTheRange = await RefusedAsync(account, () => PostAsync($"{account}/plans",
            $$"""{"installments":[{"dueDate":"{{Date(5)}}","amount":500},{"dueDate":"9999-12-29","amount":500}]}"""), HttpStatusCode.BadRequest);
        Assert.Contains("between 1900-01-01 and 2199-12-31", beyondTheRange.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var thirteen = string.Join(",", Enumerable.Range(1, 13).Select(i => $$"""{"dueDate":"{{Date(i)}}","amount":{{(i == 13 ? 40 : 80)}}}"""));
        var tooMany = await RefusedAsync(account, () => PostAsync($"{account}/plans", $$"""{"installments":[{{thirteen}}]}"""), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("maxInstallments", tooMany.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var active = await PostAsync($"{account}/plans", $$"""{"installments":[{"dueDate":"{{Date(5)}}","amount":500},{"dueDate":"{{Date(35)}}","amount":500}]}""");
        Assert.Equal(HttpStatusCode.Created, active.StatusCode);
        var plan = (await active.JsonAsync()).GetProperty("plan");
        Assert.Equal("Active", plan.GetProperty("status").GetString());
        Assert.Equal(2, plan.GetProperty("installments").GetArrayLength());
        await RefusedAsync(account, () => PostAsync($"{account}/plans", $$"""{"installments":[{"dueDate":"{{Date(5)}}","amount":1000}]}"""), HttpStatusCode.Conflict);
        await RefusedAsync(account, () => host.Admin.PostAsync($"{account}/plans/approve", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_plan_with_a_waiver_above_the_approval_limit_is_202_and_approve_activates_it_while_one_above_the_maximum_is_422()
    {
        var lender = NewId("L");
        var url = $"/api/v1/lenders/{lender}/accounts/W-1";
        var record = $$"""{"accountRef":"W-1","currency":"CNY","principal":800,"interest":150,"fees":30,"penalty":20,"dueDate":"{{Records.DueDaysAgo(20)}}","borrowerName":"Test Borrower","timezone":"UTC"}""";
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PutAsync(url, Json(record))).StatusCode);

        var big = NewId("L");
        var bigUrl = $"/api/v1/lenders/{big}/accounts/W-2";
        var generous = $$"""{"accountRef":"W-2","currency":"CNY","principal":500,"interest":400,"fees":0,"penalty":100,"dueDate":"{{Records.DueDaysAgo(20)}}","borrowerName":"Test Borrower","timezone":"UTC"}""";
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PutAsync(bigUrl, Json(generous))).StatusCode);
        var limit = await RefusedAsync(bigUrl, () => PostAsync($"{bigUrl}/plans",
            $$"""{"installments":[{"dueDate":"{{Date(5)}}","amount":600}],"waive":{"interest":400} }"""), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("maxWaiverPercent", limit.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var pending = await PostAsync($"{url}/plans", $$"""{"installments":[{"dueDate":"{{Date(5)}}","amount":400},{"dueDate":"{{Date(20)}}","amount":450}],"waive":{"interest":150} }""");
        Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        Assert.Equal("PendingApproval", (await pending.JsonAsync()).GetProperty("plan").GetProperty("status").GetString());

        var own = await RefusedAsync(url, () => host.Admin.PostAsync($"{url}/plans/approve", null), HttpStatusCode.Forbidden);
        Assert.Contains("maker–checker", own.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var checker = host.Client((await host.IssueKeyAsync(new { role = "lender", lenderId = lender })).Key);
        var approved = await checker.PostAsync($"{url}/plans/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("Active", (await approved.JsonAsync()).GetProperty("plan").GetProperty("status").GetString());
        await RefusedAsync(url, () => checker.PostAsync($"{url}/plans/approve", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_settlement_is_201_or_202_and_paying_it_closes_the_account_as_Settled()
    {
        var account = await AccountAsync(principal: 1000m);
        var above = await RefusedAsync(account, () => PostAsync($"{account}/settlements", $$"""{"amount":1200,"expiresOn":"{{Date(10)}}"}"""), HttpStatusCode.BadRequest);
        Assert.Contains("below the balance", above.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var tooLow = await RefusedAsync(account, () => PostAsync($"{account}/settlements", $$"""{"amount":500,"expiresOn":"{{Date(10)}}"}"""), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("minSettlementPercent", tooLow.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await RefusedAsync(account, () => PostAsync($"{account}/settlements", """{"amount":900}"""), HttpStatusCode.BadRequest);

        var offered = await PostAsync($"{account}/settlements", $$"""{"amount":950,"expiresOn":"{{Date(10)}}"}""");
        Assert.Equal(HttpStatusCode.Created, offered.StatusCode);
        await RefusedAsync(account, () => host.Admin.PostAsync($"{account}/settlements/approve", null), HttpStatusCode.Conflict);

        var paid = await (await PostAsync($"{account}/payments", """{"paymentId":"S-1","amount":950}""")).JsonAsync();
        Assert.Equal("Closed", paid.GetProperty("status").GetString());
        Assert.Equal("Settled", paid.GetProperty("closedReason").GetString());
        Assert.Equal(50m, paid.GetProperty("forgiven").GetDecimal());

        var pendingAccount = await AccountAsync(principal: 1000m);
        var pending = await PostAsync($"{pendingAccount}/settlements", $$"""{"amount":700,"expiresOn":"{{Date(10)}}"}""");
        Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        await RefusedAsync(pendingAccount, () => host.Admin.PostAsync($"{pendingAccount}/settlements/approve", null), HttpStatusCode.Forbidden);
        var checker = host.Client((await host.IssueKeyAsync(new { role = "lender", lenderId = pendingAccount.Split('/')[4] })).Key);
        var approved = await checker.PostAsync($"{pendingAccount}/settlements/approve", null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("Active", (await approved.JsonAsync()).GetProperty("settlement").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_dispute_is_201_stops_escalation_and_resolving_it_is_200_with_Upheld_closing_as_WrittenOff()
    {
        var account = await AccountAsync();
        await RefusedAsync(account, () => PostAsync($"{account}/disputes", """{"reason":""}"""), HttpStatusCode.BadRequest);
        await RefusedAsync(account, () => PostAsync($"{account}/disputes/resolve", """{"outcome":"Verified"}"""), HttpStatusCode.Conflict);

        var opened = await PostAsync($"{account}/disputes", """{"reason":"the debtor says it was repaid in March"}""");
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var view = await opened.JsonAsync();
        Assert.True(view.GetProperty("dispute").GetProperty("withinValidationWindow").GetBoolean());
        Assert.Equal("dispute", view.GetProperty("escalationHeldBy").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("nextWakeAt").ValueKind);
        await RefusedAsync(account, () => PostAsync($"{account}/disputes", """{"reason":"again"}"""), HttpStatusCode.Conflict);
        await RefusedAsync(account, () => PostAsync($"{account}/promises", $$"""{"amount":100,"dueDate":"{{Date(3)}}"}"""), HttpStatusCode.Conflict);
        await RefusedAsync(account, () => PostAsync($"{account}/disputes/resolve", """{"outcome":"Maybe"}"""), HttpStatusCode.BadRequest);

        var upheld = await PostAsync($"{account}/disputes/resolve", """{"outcome":"Upheld"}""");
        Assert.Equal(HttpStatusCode.OK, upheld.StatusCode);
        Assert.Equal("WrittenOff", (await upheld.JsonAsync()).GetProperty("closedReason").GetString());
    }

    [Fact]
    public async Task A_hold_is_201_204_to_release_400_for_an_unknown_type_404_when_absent_and_409_twice()
    {
        var account = await AccountAsync(daysPastDue: 40);
        await RefusedAsync(account, () => PostAsync($"{account}/holds", """{"type":"Vacation"}"""), HttpStatusCode.BadRequest);

        var placed = await PostAsync($"{account}/holds", """{"type":"Hardship","note":"lost job"}""");
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var hold = (await placed.JsonAsync()).GetProperty("holds")[0];
        Assert.Equal("Hardship", hold.GetProperty("type").GetString());
        Assert.Equal(["Escalation", "Placement", "Litigation"], hold.GetProperty("stops").EnumerateArray().Select(s => s.GetString()));
        await RefusedAsync(account, () => PostAsync($"{account}/holds", """{"type":"Hardship"}"""), HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin.DeleteAsync($"{account}/holds/Hardship")).StatusCode);
        Assert.Empty((await ViewAsync(account)).GetProperty("holds").EnumerateArray());
        await (await host.Admin.DeleteAsync($"{account}/holds/Hardship")).ProblemAsync(HttpStatusCode.NotFound);
        await (await host.Admin.DeleteAsync($"{account}/holds/Vacation")).ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Litigation_steps_are_201_in_the_Legal_stage_409_before_it_or_out_of_order_and_documented_in_OpenAPI()
    {
        var early = await AccountAsync(daysPastDue: 20);
        var notYet = await RefusedAsync(early, () => PostAsync($"{early}/litigation", """{"step":"Filed"}"""), HttpStatusCode.Conflict);
        Assert.Contains("Legal stage", notYet.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var legal = await AccountAsync(daysPastDue: 95);
        await RefusedAsync(legal, () => PostAsync($"{legal}/litigation", """{"step":"Appeal"}"""), HttpStatusCode.BadRequest);
        await RefusedAsync(legal, () => PostAsync($"{legal}/litigation", """{"step":"Judgment"}"""), HttpStatusCode.Conflict);
        await RefusedAsync(legal, () => PostAsync($"{legal}/litigation", $$"""{"step":"Filed","on":"{{Date(2)}}"}"""), HttpStatusCode.BadRequest);

        var filed = await PostAsync($"{legal}/litigation", $$"""{"step":"Filed","on":"{{Date(0)}}","caseReference":"(2026) 0101 Min Chu 77"}""");
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var litigation = (await filed.JsonAsync()).GetProperty("litigation");
        Assert.Equal("Filed", litigation.GetProperty("lastStep").GetString());
        Assert.Equal("(2026) 0101 Min Chu 77", litigation.GetProperty("caseReference").GetString());

        var document = await (await host.Client(null).GetAsync("/openapi/v1.json")).JsonAsync();
        var operation = document.GetProperty("paths").GetProperty("/api/v1/lenders/{lenderId}/accounts/{accountRef}/litigation").GetProperty("post");
        Assert.Contains("Filed", operation.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.True(operation.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(operation.GetProperty("responses").TryGetProperty("409", out _));
    }

    [Fact]
    public async Task The_evidence_bundle_holds_the_account_and_every_event_in_time_order_under_its_heading()
    {
        var account = await AccountAsync(daysPastDue: 95);
        await PostAsync($"{account}/disputes", """{"reason":"wrong amount"}""");
        await PostAsync($"{account}/disputes/resolve", """{"outcome":"Verified"}""");
        await PostAsync($"{account}/promises", $$"""{"amount":100,"dueDate":"{{Date(2)}}"}""");
        for (var i = 0; i < 1_200; i++)
        {
            var paid = await PostAsync($"{account}/payments", $$"""{"paymentId":"P-{{i}}","amount":0.01}""");
            Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        }

        await PostAsync($"{account}/litigation", """{"step":"Filed","caseReference":"C-1"}""");

        var response = await host.Admin.GetAsync($"{account}/evidence");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = await response.JsonAsync();
        var entries = bundle.GetProperty("entries").EnumerateArray().ToList();
        var eventCount = (await ViewAsync(account)).GetProperty("eventCount").GetInt64();
        Assert.Equal(eventCount, bundle.GetProperty("asOfSeq").GetInt64());
        Assert.Equal(eventCount, entries.Count);
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.True(entries.Zip(entries.Skip(1)).All(p => p.First.GetProperty("at").GetDateTimeOffset() <= p.Second.GetProperty("at").GetDateTimeOffset()));
        Assert.Equal("AccountOpened", entries[0].GetProperty("type").GetString());
        Assert.Equal("Legal", bundle.GetProperty("account").GetProperty("stage").GetString());
        var counts = bundle.GetProperty("counts");
        Assert.Equal(1_200, counts.GetProperty("Payment").GetInt32());
        Assert.Equal(2, counts.GetProperty("Dispute").GetInt32());
        Assert.Equal(1, counts.GetProperty("Promise").GetInt32());
        Assert.Equal(1, counts.GetProperty("Litigation").GetInt32());
        Assert.Equal("Dispute", entries.First(e => e.GetProperty("type").GetString() == "DisputeOpened").GetProperty("category").GetString());

        await (await host.Admin.GetAsync($"{account}-nope/evidence")).ProblemAsync(HttpStatusCode.NotFound);
    }
}
