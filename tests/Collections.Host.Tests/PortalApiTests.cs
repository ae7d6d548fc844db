using System.Globalization;
using System.Net;
using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>
/// The debtor's own page as JSON over real HTTP: links issued and revoked by the lender's side, the knowledge
/// check and its lock, what the page shows (the debtor's accounts and nothing else), and each action as the
/// debtor through the same rules as a collector's, audited with actor <c>debtor@{linkId}</c>.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class PortalApiTests(HostFixture host)
{
    private const string Phone = "+8613800134521";

    [Fact]
    public async Task A_link_names_nothing_and_after_the_check_shows_the_debtors_accounts_at_the_lender_and_no_one_elses()
    {
        var lender = NewId("L");
        var customer = NewId("C");
        var first = await AccountAsync(lender, customer, 1200m);
        var second = await AccountAsync(lender, customer, 300m);
        var stranger = await AccountAsync(lender, NewId("C"), 999m);

        var collector = host.Client((await host.IssueKeyAsync(new { role = "collector", lenderId = lender, teamId = "T1" })).Key);
        var link = await IssueAsync(collector, lender, first);
        var token = TokenOf(link);
        Assert.Equal(43, token.Length);
        Assert.DoesNotContain(first, link.GetProperty("url").GetString()!, StringComparison.Ordinal);
        Assert.DoesNotContain(customer, link.GetProperty("url").GetString()!, StringComparison.Ordinal);
        var expiresAt = link.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddDays(14).AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(14).AddMinutes(5));

        var debtor = host.Client(null);
        await (await debtor.GetAsync($"/api/v1/portal/{token}")).ProblemAsync(HttpStatusCode.Unauthorized);
        var badShape = await (await debtor.PostAsync($"/api/v1/portal/{token}/verify", Json("""{"phoneLast4":"45"}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(badShape.GetProperty("errors").TryGetProperty("phoneLast4", out _));
        var wrong = await (await debtor.PostAsync($"/api/v1/portal/{token}/verify", Json("""{"phoneLast4":"1234"}"""))).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(4, wrong.GetProperty("triesLeft").GetInt32());

        var session = await VerifyAsync(debtor, token);
        var page = await (await Get(debtor, token, session)).JsonAsync();
        Assert.Equal("zh", page.GetProperty("language").GetString());
        var accounts = page.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Equal([first, second], accounts.Select(a => a.GetProperty("accountRef").GetString()));
        var own = accounts[0];
        Assert.Equal(1200m, own.GetProperty("owed").GetProperty("total").GetDecimal());
        Assert.Equal(Records.DueDaysAgo(20), own.GetProperty("overdueSince").GetString());
        Assert.Equal("Early", own.GetProperty("stage").GetString());
        Assert.Equal("Mid", own.GetProperty("next").GetProperty("stage").GetString());
        Assert.True(own.GetProperty("actions").GetProperty("promise").GetProperty("allowed").GetBoolean());
        Assert.False(own.GetProperty("actions").GetProperty("settlement").GetProperty("allowed").GetBoolean());
        var raw = page.GetRawText();
        Assert.DoesNotContain(stranger, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("Test Borrower", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("4521", raw, StringComparison.Ordinal);

        // Another debtor's account cannot be acted on through this link: it is not on the page.
        await (await Post(debtor, token, session, "promises", $$"""{"accountRef":"{{stranger}}","amount":10,"dueDate":"{{Date(3)}}"}""")).ProblemAsync(HttpStatusCode.NotFound);
        // A session is good for its own link only.
        var other = TokenOf(await IssueAsync(collector, lender, stranger));
        await (await Get(debtor, other, session)).ProblemAsync(HttpStatusCode.Unauthorized);

        var trail = await EventsAsync(lender, first);
        var issued = trail.Single(e => e.Type == "PortalLinkIssued");
        Assert.StartsWith("collector:", issued.Actor, StringComparison.Ordinal);
        Assert.DoesNotContain(token, issued.Json, StringComparison.Ordinal);
        var linkId = issued.Data.GetProperty("linkId").GetString()!;
        Assert.Equal([false, true], trail.Where(e => e.Type == "PortalVisited").Select(e => e.Data.GetProperty("verified").GetBoolean()));
        Assert.All(trail.Where(e => e.Type == "PortalVisited"), e => Assert.Equal($"debtor@{linkId}", e.Actor));
    }

    [Fact]
    public async Task The_debtor_promises_plans_disputes_asks_for_a_call_back_and_pays_now_as_the_debtor_and_the_lender_hears_of_it()
    {
        var lender = NewId("L");
        var customer = NewId("C");
        var first = await AccountAsync(lender, customer, 1000m, penalty: 300m);
        var second = await AccountAsync(lender, customer, 500m);
        var third = await AccountAsync(lender, customer, 200m);
        var token = TokenOf(await IssueAsync(host.Admin, lender, first));
        var debtor = host.Client(null);
        var session = await VerifyAsync(debtor, token);

        var promised = await Post(debtor, token, session, "promises", $$"""{"amount":250,"dueDate":"{{Date(5)}}"}""");
        Assert.Equal(HttpStatusCode.Created, promised.StatusCode);
        var own = (await promised.JsonAsync()).GetProperty("accounts")[0];
        Assert.Equal(250m, own.GetProperty("arranged").GetProperty("promise").GetProperty("amount").GetDecimal());
        Assert.False(own.GetProperty("actions").GetProperty("promise").GetProperty("allowed").GetBoolean());
        var tooFar = await (await Post(debtor, token, session, "promises", $$"""{"accountRef":"{{second}}","amount":10,"dueDate":"{{Date(45)}}"}""")).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("maxPromiseDays", tooFar.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Waiving the whole 300 penalty of 1 300 is above the 10 % approval line: it waits for the lender.
        var plan = await Post(debtor, token, session, "plans",
            $$"""{"accountRef":"{{second}}","installments":[{"dueDate":"{{Date(10)}}","amount":250},{"dueDate":"{{Date(40)}}","amount":250}],"waive":{"penalty":0,"fees":0,"interest":0} }""");
        Assert.Equal(HttpStatusCode.Created, plan.StatusCode);
        await (await Post(debtor, token, session, "plans", """{"installments":[]}""")).ProblemAsync(HttpStatusCode.BadRequest);

        var dispute = await Post(debtor, token, session, "disputes", $$"""{"accountRef":"{{third}}","reason":"I never took this loan"}""");
        Assert.Equal(HttpStatusCode.Created, dispute.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Post(debtor, token, session, "hardship", $$"""{"accountRef":"{{third}}","note":"lost my job"}""")).StatusCode);
        var from = DateTimeOffset.UtcNow.AddDays(1);
        Assert.Equal(HttpStatusCode.Created, (await Post(debtor, token, session, "callbacks",
            $$"""{"from":"{{from:O}}","to":"{{from.AddHours(2):O}}","note":"after work"}""")).StatusCode);
        await (await Post(debtor, token, session, "callbacks", $$"""{"from":"{{from:O}}","to":"{{from.AddMinutes(5):O}}"}""")).ProblemAsync(HttpStatusCode.BadRequest);

        var intent = await Post(debtor, token, session, "payment-intents", """{"purpose":"Arrears"}""");
        Assert.Equal(HttpStatusCode.Created, intent.StatusCode);
        var paying = await intent.JsonAsync();
        Assert.StartsWith("pi_", paying.GetProperty("intentId").GetString(), StringComparison.Ordinal);
        Assert.Equal(1300m, paying.GetProperty("amount").GetDecimal());
        await (await Post(debtor, token, session, "payment-intents", """{"purpose":"Settlement"}""")).ProblemAsync(HttpStatusCode.Conflict);
        await (await Post(debtor, token, session, "payment-intents", """{"purpose":"Other","amount":5000}""")).ProblemAsync(HttpStatusCode.BadRequest);

        var trail = await EventsAsync(lender, first);
        var linkId = trail.Single(e => e.Type == "PortalLinkIssued").Data.GetProperty("linkId").GetString();
        foreach (var type in new[] { "PromiseMade", "CallbackRequested", "PaymentIntentCreated" })
        {
            Assert.Equal($"debtor@{linkId}", trail.Single(e => e.Type == type).Actor);
        }

        Assert.Equal("debtor@" + linkId, (await EventsAsync(lender, second)).Single(e => e.Type == "PlanSubmitted").Actor);
        var disputed = await EventsAsync(lender, third);
        Assert.Equal("debtor@" + linkId, disputed.Single(e => e.Type == "DisputeOpened").Actor);
        Assert.Equal("Hardship", disputed.Single(e => e.Type == "HoldPlaced").Data.GetProperty("hold").GetString());

        // The lender's feed carries the call-back and the payment intent, for its payment provider (no card data).
        var feed = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/feed")).JsonAsync();
        var types = feed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("type").GetString()).ToList();
        Assert.Contains("PaymentIntentCreated", types);
        Assert.Contains("CallbackRequested", types);

        // The lender's portfolio counts what the page did: one link, opened and passed once, and each action once.
        await Eventually(async () =>
        {
            var portal = (await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/portfolio")).JsonAsync()).GetProperty("portal");
            long Count(string name) => portal.TryGetProperty(name, out var n) ? n.GetInt64() : 0;
            return (Count("linksSent"), Count("opened"), Count("verified"), Count("promises"), Count("plans"), Count("disputes"), Count("hardship"), Count("callbacks"), Count("paymentIntents"))
                == (1, 1, 1, 1, 1, 1, 1, 1, 1);
        });
    }

    [Fact]
    public async Task A_plan_above_the_approval_line_waits_in_the_lenders_approvals()
    {
        var lender = NewId("L");
        var accountRef = await AccountAsync(lender, customerId: null, 1000m, penalty: 300m);
        var token = TokenOf(await IssueAsync(host.Admin, lender, accountRef));
        var debtor = host.Client(null);
        var session = await VerifyAsync(debtor, token);

        var plan = await Post(debtor, token, session, "plans",
            $$"""{"installments":[{"dueDate":"{{Date(10)}}","amount":500},{"dueDate":"{{Date(40)}}","amount":500}],"waive":{"penalty":300} }""");
        Assert.Equal(HttpStatusCode.Accepted, plan.StatusCode);
        Assert.Equal("PendingApproval", (await plan.JsonAsync()).GetProperty("accounts")[0].GetProperty("arranged").GetProperty("plan").GetProperty("status").GetString());
        await Eventually(async () =>
        {
            var approvals = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/approvals")).JsonAsync();
            return approvals.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("accountRef").GetString() == accountRef);
        });
    }

    [Fact]
    public async Task Five_wrong_answers_lock_the_link_and_unknown_expired_and_revoked_tokens_all_answer_the_same_404()
    {
        var lender = NewId("L");
        var accountRef = await AccountAsync(lender, customerId: null, 800m);
        var token = TokenOf(await IssueAsync(host.Admin, lender, accountRef));
        var debtor = host.Client(null);
        var session = await VerifyAsync(debtor, token);
        for (var tries = 4; tries >= 1; tries--)
        {
            var wrong = await (await debtor.PostAsync($"/api/v1/portal/{token}/verify", Json("""{"phoneLast4":"0000"}"""))).ProblemAsync(HttpStatusCode.Forbidden);
            Assert.Equal(tries, wrong.GetProperty("triesLeft").GetInt32());
        }

        await (await debtor.PostAsync($"/api/v1/portal/{token}/verify", Json("""{"phoneLast4":"0000"}"""))).ProblemAsync((HttpStatusCode)423);

        // Locked for everything now, the right answer and the session opened before included.
        await (await debtor.PostAsync($"/api/v1/portal/{token}/verify", Json("""{"phoneLast4":"4521"}"""))).ProblemAsync((HttpStatusCode)423);
        await (await Get(debtor, token, session)).ProblemAsync((HttpStatusCode)423);

        var revokedToken = TokenOf(await IssueAsync(host.Admin, lender, accountRef));
        var revokedSession = await VerifyAsync(debtor, revokedToken);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin.DeleteAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/portal-links")).StatusCode);
        var revoked = await (await Get(debtor, revokedToken, revokedSession)).ProblemAsync(HttpStatusCode.NotFound);
        var unknown = await (await Get(debtor, new string('A', 43), revokedSession)).ProblemAsync(HttpStatusCode.NotFound);
        var malformed = await (await Get(debtor, "not-a-token", revokedSession)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.All(new[] { revoked, malformed }, same => Assert.Equal(Shape(unknown), Shape(same)));
        // The locked link and the other one were still listed: both revoked.
        Assert.Equal(2, (await EventsAsync(lender, accountRef)).Single(e => e.Type == "PortalLinksRevoked").Data.GetProperty("links").GetInt32());

        // A link needs a phone on file for the check, and an account.
        var noPhone = NewId("A");
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{noPhone}", Json(Records.Ndjson(noPhone)))).StatusCode);
        var refused = await (await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/{noPhone}/portal-links", null)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("phone", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/{NewId("A")}/portal-links", null)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Every_portal_response_carries_the_security_headers()
    {
        var response = await host.Client(null).GetAsync($"/api/v1/portal/{new string('B', 43)}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    /// <summary>
    /// Whatever people, accounts and link the lender has, the page a link opens — and every action's answer — holds
    /// the accounts of the link's person only: never another person's account, name or phone.
    /// </summary>
    [Property(MaxTest = 8)]
    public async Task No_portal_response_carries_another_debtors_data(byte[] owners, byte pick)
    {
        var lender = NewId("L");
        var people = Enumerable.Range(0, 3).Select(_ => NewId("C")).ToArray();
        var accounts = new List<(string Ref, string Person, string Name, string Phone)>();
        foreach (var (owner, i) in owners.Take(6).Append((byte)0).Select((o, i) => (o, i)))
        {
            var person = people[owner % people.Length];
            var accountRef = NewId("A");
            var name = $"Name{Guid.NewGuid():N}"[..16];
            var phone = $"+86138{Random.Shared.Next(10_000_000, 99_999_999)}";
            var record = $$"""{"accountRef":"{{accountRef}}","currency":"CNY","principal":{{100 + i}},"dueDate":"{{Records.DueDaysAgo(10)}}","borrowerName":"{{name}}","phone":"{{phone}}","timezone":"UTC","customerId":"{{person}}"}""";
            Assert.Equal(HttpStatusCode.Created, (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(record))).StatusCode);
            accounts.Add((accountRef, person, name, phone));
        }

        var chosen = accounts[pick % accounts.Count];
        var token = TokenOf(await IssueAsync(host.Admin, lender, chosen.Ref));
        var debtor = host.Client(null);
        var verified = await debtor.PostAsync($"/api/v1/portal/{token}/verify", Json($$"""{"phoneLast4":"{{chosen.Phone[^4..]}}"}"""));
        var session = (await verified.JsonAsync()).GetProperty("session").GetString()!;
        var bodies = new List<string> { await verified.Content.ReadAsStringAsync(), await (await Get(debtor, token, session)).Content.ReadAsStringAsync() };
        foreach (var target in accounts)
        {
            bodies.Add(await (await Post(debtor, token, session, "hardship", $$"""{"accountRef":"{{target.Ref}}"}""")).Content.ReadAsStringAsync());
        }

        foreach (var other in accounts.Where(a => a.Person != chosen.Person))
        {
            Assert.All(bodies, body => Assert.DoesNotContain(other.Ref, body, StringComparison.Ordinal));
            Assert.All(bodies, body => Assert.DoesNotContain(other.Name, body, StringComparison.Ordinal));
            Assert.All(bodies, body => Assert.DoesNotContain(other.Phone[^8..], body, StringComparison.Ordinal));
        }

        var page = JsonDocument.Parse(bodies[1]).RootElement;
        Assert.Equal(
            accounts.Where(a => a.Person == chosen.Person).Select(a => a.Ref).Order(StringComparer.Ordinal),
            page.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("accountRef").GetString()!).Order(StringComparer.Ordinal));
    }

    /// <summary>What a problem tells, without its trace id (which differs per request).</summary>
    private static (string?, int, string?) Shape(JsonElement problem) =>
        (problem.GetProperty("title").GetString(), problem.GetProperty("status").GetInt32(), problem.GetProperty("detail").GetString());

    internal static string Date(int fromToday) =>
        DateOnly.FromDateTime(DateTime.UtcNow).AddDays(fromToday).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string TokenOf(JsonElement link) => link.GetProperty("url").GetString()!.Split("/pay/")[1];

    private async Task<string> AccountAsync(string lender, string? customerId, decimal principal, decimal penalty = 0m)
    {
        var accountRef = NewId("A");
        var customer = customerId is null ? "" : $$""","customerId":"{{customerId}}" """;
        var record = $$"""{"accountRef":"{{accountRef}}","currency":"CNY","principal":{{principal.ToString(CultureInfo.InvariantCulture)}},"penalty":{{penalty.ToString(CultureInfo.InvariantCulture)}},"dueDate":"{{Records.DueDaysAgo(20)}}","borrowerName":"Test Borrower","phone":"{{Phone}}","timezone":"UTC"{{customer}}}""";
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(record))).StatusCode);
        return accountRef;
    }

    private static async Task<JsonElement> IssueAsync(HttpClient client, string lender, string accountRef)
    {
        var response = await client.PostAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/portal-links", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    private static async Task<string> VerifyAsync(HttpClient debtor, string token)
    {
        var response = await debtor.PostAsync($"/api/v1/portal/{token}/verify", Json("""{"phoneLast4":"4521"}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("session").GetString()!;
    }

    private static Task<HttpResponseMessage> Get(HttpClient debtor, string token, string session)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/portal/{token}");
        request.Headers.Add("X-Portal-Session", session);
        return debtor.SendAsync(request);
    }

    private static Task<HttpResponseMessage> Post(HttpClient debtor, string token, string session, string action, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/portal/{token}/{action}") { Content = Json(json) };
        request.Headers.Add("X-Portal-Session", session);
        return debtor.SendAsync(request);
    }

    private sealed record Logged(string Type, string Actor, JsonElement Data, string Json);

    private async Task<List<Logged>> EventsAsync(string lender, string accountRef)
    {
        var trail = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/events?limit=1000")).JsonAsync();
        return [.. trail.GetProperty("items").EnumerateArray().Select(e =>
            new Logged(e.GetProperty("type").GetString()!, e.GetProperty("actor").GetString()!, e.GetProperty("data").Clone(), e.GetRawText()))];
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(await condition(), "the condition did not hold within 10 s");
    }
}
