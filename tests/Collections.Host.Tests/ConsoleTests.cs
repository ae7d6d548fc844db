using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>
/// The console at /console in headless Chromium (Debian's, as <see cref="BrowserTests"/>): each role signs
/// in with its key and does its work; every page is checked for what it renders and for console errors.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class ConsoleTests(HostFixture host) : BrowserTest(host)
{

    [Fact]
    public async Task Each_role_signs_in_with_its_key_and_sees_the_navigation_of_its_role()
    {
        var lender = NewId("L");
        var agency = NewId("AG");
        Assert.Equal(HttpStatusCode.OK, (await Host.Admin.PutAsync($"/api/v1/agencies/{agency}",
            Json($$"""{"name":"North Recovery","capacity":100,"lenders":["{{lender}}"],"commissionRate":0.2}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.Admin.PutAsync($"/api/v1/lenders/{lender}/teams/T1", Json("""{"name":"Early callers","stages":["Early"]}"""))).StatusCode);
        var expected = new (string Key, string Role, string[] Links)[]
        {
            (HostFixture.AdminKey, "admin", ["Choose a lender or agency"]),
            (await KeyAsync(new { role = "lender", lenderId = lender }), "lender", ["Accounts", "Approvals", "Portfolio", "Strategy"]),
            (await KeyAsync(new { role = "auditor", lenderId = lender }), "auditor", ["Accounts", "Approvals", "Portfolio", "Strategy"]),
            (await KeyAsync(new { role = "collector", lenderId = lender, teamId = "T1" }), "collector", ["My queue", "Accounts"]),
            (await KeyAsync(new { role = "agency", agencyId = agency }), "agency", ["Placements"]),
        };

        foreach (var (key, role, links) in expected)
        {
            var page = await PageAsync();
            await SignInAsync(page, key);
            Assert.Equal(role, await page.Locator("[data-role]").TextContentAsync());
            var nav = await page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link).AllTextContentsAsync();
            Assert.Equal(links, nav);

            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await page.WaitForURLAsync("**/console/signin");
            Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)(await page.GotoAsync(Url("/console")))!.Status);
            Assert.EndsWith("/console/signin?ReturnUrl=%2Fconsole", page.Url, StringComparison.Ordinal);
            await page.CloseAsync();
        }

        var wrong = await PageAsync();
        await wrong.GotoAsync(Url("/console/signin"));
        await wrong.GetByLabel("API key").FillAsync("not-a-key");
        await wrong.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.Equal("That key is not valid or has been revoked.", await wrong.Locator("#signin-key-error").TextContentAsync());
        AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_lender_searches_opens_an_account_and_reads_its_timeline_with_the_violated_rule()
    {
        var lender = NewId("L");
        var customer = NewId("C");
        var first = await AccountAsync(lender, "Early", customer, principal: 1200m);
        var second = await AccountAsync(lender, "Early", customer, principal: 300m);
        var account = $"/api/v1/lenders/{lender}/accounts/{first}";
        Assert.Equal(HttpStatusCode.Created, (await Host.Admin.PostAsync($"{account}/contacts", Json("""{"channel":"Call","outcome":"WrongNumber"}"""))).StatusCode);
        await (await Host.Admin.PostAsync($"{account}/contacts", Json("""{"channel":"Call","outcome":"NoAnswer"}"""))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.Created, (await Host.Admin.PostAsync($"{account}/complaints", Json("""{"channel":"Phone","category":"WrongAmount","text":"the fees look wrong"}"""))).StatusCode);
        using (var upload = new MultipartFormDataContent { { new StringContent("Contract"), "kind" }, { new ByteArrayContent("the signed contract"u8.ToArray()), "file", "contract.pdf" } })
        {
            Assert.Equal(HttpStatusCode.Created, (await Host.Admin.PostAsync($"{account}/documents", upload)).StatusCode);
        }

        await IndexedAsync(lender, $"customerId={customer}", 2);

        var page = await PageAsync();
        await SignInAsync(page, await KeyAsync(new { role = "lender", lenderId = lender }));
        await page.GetByLabel("Customer id").FillAsync(customer);
        await page.GetByLabel("Stage").SelectOptionAsync("Early");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.WaitForURLAsync($"**/console/accounts?stage=Early&customerId={customer}");
        var found = page.GetByRole(AriaRole.Table, new() { Name = "Accounts found" });
        var refs = (await found.GetByRole(AriaRole.Link).AllTextContentsAsync()).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), refs);

        await found.GetByRole(AriaRole.Link, new() { Name = first }).ClickAsync();
        await page.WaitForURLAsync($"**/console/accounts/{lender}/{first}");
        Assert.Equal("Early", await page.Locator("[data-field=stage]").TextContentAsync());
        Assert.Equal("1,200.00 CNY", (await page.Locator("[data-field=total]").TextContentAsync())!.Trim());
        var theirs = await page.GetByRole(AriaRole.Table, new() { Name = "The debtor's accounts" }).GetByRole(AriaRole.Link).AllTextContentsAsync();
        Assert.Equal([second], theirs);

        var trail = page.GetByRole(AriaRole.List, new() { Name = "Audit trail" });
        Assert.Equal("Account opened", await trail.Locator("li[data-type=AccountOpened] strong").First.TextContentAsync());
        var violation = trail.Locator("li.violation");
        Assert.Contains("wrong-number", await violation.TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains($"admin@", await violation.Locator(".actor").TextContentAsync(), StringComparison.Ordinal);
        Assert.Contains("debtor's time", await violation.TextContentAsync(), StringComparison.Ordinal);
        var refused = page.GetByRole(AriaRole.Table, new() { Name = "Contact permission" }).Locator("tr[data-channel=Call]");
        Assert.Contains("wrong-number", await refused.TextContentAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Link, new() { Name = "Portfolio" }).ClickAsync();
        await page.WaitForURLAsync($"**/console/portfolio/{lender}");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Accounts by stage" }).WaitForAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Agencies side by side" }).WaitForAsync();
        Assert.Equal(HttpStatusCode.OK, (await Host.Admin.PutAsync($"/api/v1/lenders/{lender}/strategy", Json("""{"name":"firm"}"""))).StatusCode);
        Assert.Equal("standard", (await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/strategy?version=1")).JsonAsync()).GetProperty("name").GetString());
        await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/strategy?version=3")).ProblemAsync(HttpStatusCode.NotFound);
        await page.GetByRole(AriaRole.Link, new() { Name = "Strategy" }).ClickAsync();
        Assert.Equal("version 2 (current)", await page.Locator("h1 .muted").TextContentAsync());
        Assert.Contains("\"name\": \"firm\"", await page.GetByLabel("Strategy document").TextContentAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Link, new() { Name = "version 1" }).ClickAsync();
        Assert.Contains("\"name\": \"standard\"", await page.GetByLabel("Strategy document").TextContentAsync(), StringComparison.Ordinal);

        await page.GotoAsync(Url($"/console/accounts/{lender}/{first}"));

        // The link downloads with the browser's session (an attachment), no API key needed.
        var href = await page.GetByRole(AriaRole.Link, new() { Name = "Download the evidence bundle" }).GetAttributeAsync("href");
        var evidence = await page.Context.APIRequest.GetAsync(href!);
        Assert.Equal(200, evidence.Status);
        Assert.StartsWith("attachment;", evidence.Headers["content-disposition"], StringComparison.Ordinal);
        var bundle = JsonDocument.Parse(await evidence.TextAsync()).RootElement;
        Assert.Equal(first, bundle.GetProperty("account").GetProperty("accountRef").GetString());

        // Complaints (overdue first) and documents are on the page; the zip carries the documents.
        var complaint = page.GetByRole(AriaRole.Region, new() { Name = "Complaints" }).Locator("tbody tr").First;
        Assert.Contains("Open", await complaint.TextContentAsync(), StringComparison.Ordinal);
        var documents = await page.GetByRole(AriaRole.Region, new() { Name = "Documents" }).TextContentAsync();
        Assert.Contains("contract.pdf", documents, StringComparison.Ordinal);
        Assert.Contains("(template Early.Letter)", documents, StringComparison.Ordinal); // the letter the engine sent
        var zipHref = await page.GetByRole(AriaRole.Link, new() { Name = "with every document (zip, SHA-256 manifest)" }).GetAttributeAsync("href");
        var zip = await page.Context.APIRequest.GetAsync(zipHref!);
        Assert.Equal(200, zip.Status);
        Assert.EndsWith(".zip\"", zip.Headers["content-disposition"], StringComparison.Ordinal);
        Assert.Equal("PK"u8.ToArray(), (await zip.BodyAsync())[..2]);
        AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_collector_takes_the_next_account_sees_the_lease_and_the_permission_and_records_a_call_and_a_promise()
    {
        var lender = NewId("L");
        Assert.Equal(HttpStatusCode.OK, (await Host.Admin.PutAsync($"/api/v1/lenders/{lender}/strategy", Json("""{"contactPlan":[]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Host.Admin.PutAsync($"/api/v1/lenders/{lender}/teams/T1", Json("""{"name":"Early callers","stages":["Early"],"segments":[],"leaseMinutes":20}"""))).StatusCode);
        var accountRef = await AccountAsync(lender, "Early", customerId: null, principal: 900m);

        var page = await PageAsync();
        await SignInAsync(page, await KeyAsync(new { role = "collector", lenderId = lender, teamId = "T1" }));
        await page.WaitForURLAsync($"**/console/teams/{lender}/T1");
        Assert.Equal("Team Early callers (T1 of " + lender + ")", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).TextContentAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Next account" }).ClickAsync();
        await page.WaitForURLAsync($"**/console/accounts/{lender}/{accountRef}?team=T1&lease=*");
        var lease = page.GetByRole(AriaRole.Region, new() { Name = "Lease" });
        await lease.GetByText(" left").WaitForAsync();
        // A 20-minute lease, counting down: 20:00 until its first tick, then 19:59 and on.
        Assert.Matches(@"^(20:00|19:[0-5]\d) left$", await lease.Locator("[data-countdown]").TextContentAsync());
        var call = page.GetByRole(AriaRole.Table, new() { Name = "Contact permission" }).Locator("tr[data-channel=Call]");
        Assert.Contains("allowed", await call.Locator("td").Nth(1).TextContentAsync(), StringComparison.Ordinal);

        await page.GetByLabel("Outcome", new() { Exact = true }).SelectOptionAsync("Conversation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the contact" }).ClickAsync();
        Assert.Equal("Call recorded: Conversation.", await page.GetByRole(AriaRole.Status).TextContentAsync());

        // The API's validation, next to the field; then a valid promise.
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the promise" }).ClickAsync();
        Assert.Equal("is required: the amount promised", await page.Locator("#promise-amount-error").TextContentAsync());
        Assert.Equal("is required: the date it is promised by (yyyy-MM-dd)", await page.Locator("#promise-dueDate-error").TextContentAsync());
        var due = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.GetByLabel("Amount (CNY)", new() { Exact = true }).FillAsync("300");
        await page.GetByLabel("Due date", new() { Exact = true }).FillAsync(due);
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the promise" }).ClickAsync();
        Assert.Equal($"Promise recorded: 300 by {due}.", await page.GetByRole(AriaRole.Status).TextContentAsync());
        await page.GetByText($"Promise of 300.00 CNY by {due}").WaitForAsync();
        var made = page.GetByRole(AriaRole.List, new() { Name = "Audit trail" }).Locator("li[data-type=PromiseMade]");
        Assert.StartsWith($"collector:{lender}/T1@", await made.Locator(".actor").TextContentAsync(), StringComparison.Ordinal);

        // While the promise is open the account refuses a settlement: the API's 409, shown above the form.
        await page.GetByLabel("Settlement amount (CNY)").FillAsync("700");
        await page.GetByLabel("Pay by").FillAsync(due);
        await page.GetByRole(AriaRole.Button, new() { Name = "Offer the settlement" }).ClickAsync();
        Assert.StartsWith("Conflict: ", await page.GetByRole(AriaRole.Form, new() { Name = "Offer a settlement" }).GetByRole(AriaRole.Alert).TextContentAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Release" }).ClickAsync();
        await page.WaitForURLAsync($"**/console/teams/{lender}/T1");
        Assert.Equal($"{accountRef} released.", await page.GetByRole(AriaRole.Status).TextContentAsync());
        AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_plan_over_the_approval_line_is_approved_by_a_second_lender_key_and_not_by_the_one_that_submitted_it_and_a_settlement_is_declined_with_its_reason()
    {
        var lender = NewId("L");
        var accountRef = NewId("A");
        Assert.Equal(HttpStatusCode.Created, (await Host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(
            $$"""{"currency":"CNY","principal":1000,"interest":100,"penalty":50,"dueDate":"{{Records.DueDaysAgo(10)}}","borrowerName":"Test Borrower","timezone":"{{MiddayZone()}}"}"""))).StatusCode);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var maker = await PageAsync();
        await SignInAsync(maker, await KeyAsync(new { role = "lender", lenderId = lender }));
        await maker.GotoAsync(Url($"/console/accounts/{lender}/{accountRef}"));
        await maker.GetByLabel("Installments, one a line").FillAsync($"{Day(today, 10)} 500\n{Day(today, 40)} 500");
        await maker.GetByLabel("Waive interest").FillAsync("100");
        await maker.GetByLabel("Waive penalty").FillAsync("50");
        await maker.GetByRole(AriaRole.Button, new() { Name = "Submit the plan" }).ClickAsync();
        Assert.Equal("Plan submitted: it waits for the lender's approval.", await maker.GetByRole(AriaRole.Status).TextContentAsync());

        await maker.GetByRole(AriaRole.Link, new() { Name = "Approvals" }).ClickAsync();
        var row = maker.Locator($"tr[data-account='{accountRef}']");
        Assert.Contains("(you)", await row.TextContentAsync(), StringComparison.Ordinal);
        await row.GetByRole(AriaRole.Button, new() { Name = "Approve plan" }).ClickAsync();
        Assert.Contains("submitted", await maker.Locator($"tr[data-account='{accountRef}'] [role=alert]").TextContentAsync(), StringComparison.Ordinal);

        var checker = await PageAsync();
        await SignInAsync(checker, await KeyAsync(new { role = "lender", lenderId = lender }));
        await checker.GotoAsync(Url($"/console/approvals/{lender}"));
        await checker.Locator($"tr[data-account='{accountRef}']").GetByRole(AriaRole.Button, new() { Name = "Approve plan" }).ClickAsync();
        Assert.Equal($"Plan of {accountRef} approved.", await checker.GetByRole(AriaRole.Status).TextContentAsync());
        Assert.Equal(0, await checker.Locator($"tr[data-account='{accountRef}']").CountAsync());
        var view = await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}")).JsonAsync();
        Assert.Equal("Active", view.GetProperty("plan").GetProperty("status").GetString());

        // A settlement the admin offered is declined by the checker, who must say why.
        var offeredRef = NewId("A");
        var offered = $"/api/v1/lenders/{lender}/accounts/{offeredRef}";
        Assert.Equal(HttpStatusCode.Created, (await Host.Admin.PutAsync(offered, Json(
            $$"""{"currency":"CNY","principal":1000,"interest":100,"penalty":50,"dueDate":"{{Records.DueDaysAgo(10)}}","borrowerName":"Test Borrower","timezone":"{{MiddayZone()}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Host.Admin.PostAsync($"{offered}/settlements", Json($$"""{"amount":700,"expiresOn":"{{Day(today, 10)}}"}"""))).StatusCode);
        await checker.GotoAsync(Url($"/console/approvals/{lender}"));
        var settlement = checker.Locator($"tr[data-account='{offeredRef}']");
        await settlement.GetByRole(AriaRole.Button, new() { Name = "Decline settlement" }).ClickAsync();
        Assert.Contains("is required", await checker.Locator($"tr[data-account='{offeredRef}'] .field-error").TextContentAsync(), StringComparison.Ordinal);
        await checker.Locator($"tr[data-account='{offeredRef}']").GetByLabel("Reason to decline").FillAsync("below our settlement floor");
        await checker.Locator($"tr[data-account='{offeredRef}']").GetByRole(AriaRole.Button, new() { Name = "Decline settlement" }).ClickAsync();
        Assert.Equal($"Settlement of {offeredRef} declined.", await checker.GetByRole(AriaRole.Status).TextContentAsync());
        Assert.Equal(0, await checker.Locator($"tr[data-account='{offeredRef}']").CountAsync());
        await checker.GotoAsync(Url($"/console/accounts/{lender}/{offeredRef}"));
        Assert.Contains("reason: below our settlement floor", await checker.Locator("li[data-type='SettlementDeclined']").TextContentAsync(), StringComparison.Ordinal);
        AssertNoConsoleErrors();
    }

    [Fact]
    public async Task An_agency_records_an_activity_on_its_placement_and_after_the_recall_no_longer_sees_it()
    {
        var lender = NewId("L");
        var agency = NewId("AG");
        Assert.Equal(HttpStatusCode.OK, (await Host.Admin.PutAsync($"/api/v1/agencies/{agency}",
            Json($$"""{"name":"North Recovery","capacity":100,"lenders":["{{lender}}"],"commissionRate":0.2}"""))).StatusCode);
        Host.ExpireAgencyCatalog();
        var accountRef = await AccountAsync(lender, "Mid", customerId: null, principal: 1000m);

        var page = await PageAsync();
        await SignInAsync(page, await KeyAsync(new { role = "agency", agencyId = agency }));
        await page.WaitForURLAsync($"**/console/agencies/{agency}");
        await page.GetByRole(AriaRole.Table, new() { Name = "Current placements" }).GetByRole(AriaRole.Link, new() { Name = accountRef }).ClickAsync();
        Assert.StartsWith("1,000.00 CNY", (await page.Locator("[data-field=total]").TextContentAsync())!.Trim(), StringComparison.Ordinal);

        await page.GetByLabel("Outcome", new() { Exact = true }).SelectOptionAsync("NoAnswer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record the activity" }).ClickAsync();
        Assert.Equal("Call recorded: NoAnswer.", await page.GetByRole(AriaRole.Status).TextContentAsync());
        var trail = await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/events?limit=1000")).JsonAsync();
        Assert.Contains(trail.GetProperty("items").EnumerateArray(), e => e.GetProperty("type").GetString() == "AgencyContactRecorded" && e.GetProperty("actor").GetString() == $"agency:{agency}");

        var recall = await Host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/close", Json("""{"reason":"Recalled"}"""));
        Assert.Equal(HttpStatusCode.OK, recall.StatusCode);
        Assert.Equal(404, (await page.ReloadAsync())!.Status);
        await page.GotoAsync(Url($"/console/agencies/{agency}"));
        await page.GetByText("No current placements.").WaitForAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = accountRef }).CountAsync());
    }

    [Fact]
    public async Task A_page_the_key_may_not_see_answers_404_as_the_api_does()
    {
        var lender = NewId("L");
        var accountRef = await AccountAsync(lender, "Early", customerId: null, principal: 500m);
        var agency = NewId("AG");
        Assert.Equal(HttpStatusCode.OK, (await Host.Admin.PutAsync($"/api/v1/agencies/{agency}",
            Json($$"""{"name":"North Recovery","capacity":100,"lenders":["{{lender}}"],"commissionRate":0.2}"""))).StatusCode);
        var cases = new (object Key, string Path)[]
        {
            (new { role = "lender", lenderId = NewId("L") }, $"/console/accounts/{lender}/{accountRef}"),
            (new { role = "lender", lenderId = NewId("L") }, $"/console/approvals/{lender}"),
            (new { role = "agency", agencyId = agency }, $"/console/accounts/{lender}/{accountRef}"),
            (new { role = "agency", agencyId = agency }, "/console/accounts"),
            (new { role = "agency", agencyId = NewId("AG") }, $"/console/agencies/{agency}"),
            (new { role = "collector", lenderId = lender, teamId = "T1" }, $"/console/approvals/{lender}"),
            (new { role = "collector", lenderId = lender, teamId = "T1" }, $"/console/teams/{lender}/T2"),
            (new { role = "auditor", lenderId = lender }, $"/console/teams/{lender}/T1"),
        };

        foreach (var (key, path) in cases)
        {
            var page = await PageAsync();
            await SignInAsync(page, await KeyAsync(key));
            var response = await page.GotoAsync(Url(path));
            Assert.True(response!.Status == 404, $"{JsonSerializer.Serialize(key)} {path}: {response.Status}");
            Assert.Equal("Not found", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).TextContentAsync());
            await page.CloseAsync();
        }

        // The auditor reads the account but is offered no work on it.
        var auditor = await PageAsync();
        await SignInAsync(auditor, await KeyAsync(new { role = "auditor", lenderId = lender }));
        Assert.Equal(200, (await auditor.GotoAsync(Url($"/console/accounts/{lender}/{accountRef}")))!.Status);
        Assert.Equal(0, await auditor.GetByRole(AriaRole.Button, new() { Name = "Record the promise" }).CountAsync());
    }

    [Fact]
    public async Task A_revoked_key_is_signed_out_at_its_next_page()
    {
        var lender = NewId("L");
        var (id, key) = await Host.IssueKeyAsync(new { role = "lender", lenderId = lender });
        var page = await PageAsync();
        await SignInAsync(page, key);
        await page.WaitForURLAsync("**/console/accounts");

        Assert.Equal(HttpStatusCode.NoContent, (await Host.Admin.DeleteAsync($"/api/v1/admin/api-keys/{id}")).StatusCode);
        await page.ReloadAsync();
        Assert.EndsWith("/console/signin?ReturnUrl=%2Fconsole%2Faccounts", page.Url, StringComparison.Ordinal);
        AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_form_posted_without_the_anti_forgery_token_is_refused_and_console_pages_are_not_api_operations()
    {
        using var client = Host.Client(null);
        var signIn = await client.PostAsync("/console/signin", new FormUrlEncodedContent([new("key", HostFixture.AdminKey)]));
        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.Equal("text/html", signIn.Content.Headers.ContentType?.MediaType);

        var document = await client.GetStringAsync("/openapi/v1.json");
        Assert.DoesNotContain("/console", document, StringComparison.Ordinal);
    }

    private string Url(string path) => new Uri(Host.BaseAddress, path).ToString();

    private async Task<string> KeyAsync(object request) => (await Host.IssueKeyAsync(request)).Key;

    /// <summary>An account in <paramref name="stage"/> whose debtor lives where it is midday now (inside every contact window).</summary>
    private async Task<string> AccountAsync(string lender, string stage, string? customerId, decimal principal)
    {
        var accountRef = NewId("A");
        var days = stage switch { "Early" => 10, "Mid" => 40, _ => throw new ArgumentOutOfRangeException(nameof(stage)) };
        var customer = customerId is null ? string.Empty : $"\"customerId\":\"{customerId}\",";
        var response = await Host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(
            $$"""{ {{customer}} "currency":"CNY","principal":{{principal.ToString(CultureInfo.InvariantCulture)}},"dueDate":"{{Records.DueDaysAgo(days)}}","borrowerName":"Test Borrower","phone":"+8613800138000","timezone":"{{MiddayZone()}}"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(stage, (await response.JsonAsync()).GetProperty("stage").GetString());
        return accountRef;
    }

    /// <summary>Waits until the search read model has caught up with the accounts just written.</summary>
    private async Task IndexedAsync(string lender, string query, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await Host.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/lenders/{lender}/accounts?{query}")).GetProperty("items").GetArrayLength() < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the search did not find {count} accounts for {query}");
            await Task.Delay(100);
        }
    }

    /// <summary>A zone where the local hour is 12 now: Etc/GMT-N is UTC+N.</summary>
    private static string MiddayZone()
    {
        var offset = 12 - DateTime.UtcNow.Hour;
        return offset switch
        {
            0 => "Etc/GMT",
            > 0 => $"Etc/GMT-{offset}",
            _ => $"Etc/GMT+{-offset}",
        };
    }

    private static string Day(DateOnly today, int days) => today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
