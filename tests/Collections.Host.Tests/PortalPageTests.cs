using System.Globalization;
using System.Net;
using Microsoft.Playwright;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>
/// The debtor's page at a phone's size in headless Chromium (Debian's), from a link the lender issues: in English,
/// the debt and a promise; revoked and locked links; a plan above the approval line, which waits in the lender's
/// approvals. The walk-through from the strategy's SMS to the console is <see cref="PortalSmsTests"/>.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class PortalPageTests(HostFixture host) : BrowserTest(host)
{
    [Fact]
    public async Task A_link_the_lender_issues_opens_in_english_with_the_debt_itemised_and_what_comes_next_and_takes_a_promise()
    {
        var lender = NewId("L");
        var accountRef = await AccountAsync(lender, penalty: 0m);
        var phone = await PageAsync(phone: true);
        await phone.GotoAsync(await LinkAsync(lender, accountRef));

        await phone.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await phone.GetByLabel("Last four digits of your phone").FillAsync("4521");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        Assert.Equal("My repayment", await phone.TitleAsync());
        Assert.Equal("900.00 CNY", await phone.Locator("[data-field=total]").TextContentAsync());
        Assert.Contains("If nothing is paid", await phone.Locator(".next").TextContentAsync(), StringComparison.Ordinal);
        await phone.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "portal-debt.png"), FullPage = true });

        await phone.GetByText("Promise to pay", new() { Exact = true }).ClickAsync();
        await phone.GetByLabel("Amount", new() { Exact = true }).FillAsync("300");
        await phone.GetByLabel("Date", new() { Exact = true }).First.FillAsync(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await phone.GetByRole(AriaRole.Button, new() { Name = "Promise", Exact = true }).ClickAsync();
        Assert.Equal("Your promise is recorded.", await phone.GetByRole(AriaRole.Status).TextContentAsync());
        Assert.Contains("300.00 CNY", await phone.Locator("[data-field=promise]").TextContentAsync(), StringComparison.Ordinal);
        AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_revoked_link_shows_it_is_not_valid_and_five_wrong_answers_lock_a_link()
    {
        var lender = NewId("L");
        var accountRef = await AccountAsync(lender, penalty: 0m);
        var revoked = await LinkAsync(lender, accountRef);
        Assert.Equal(HttpStatusCode.NoContent, (await Host.Admin.DeleteAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/portal-links")).StatusCode);
        var phone = await PageAsync(phone: true);
        Assert.Equal(404, (await phone.GotoAsync(revoked))!.Status);
        Assert.Equal("链接无效", await phone.GetByRole(AriaRole.Heading, new() { Level = 1 }).TextContentAsync());
        Assert.Equal(404, (await phone.GotoAsync("/pay/" + new string('x', 43)))!.Status);
        Assert.Equal("链接无效", await phone.GetByRole(AriaRole.Heading, new() { Level = 1 }).TextContentAsync());

        await phone.GotoAsync(await LinkAsync(lender, accountRef) + "?lang=en");
        for (var i = 0; i < 5; i++)
        {
            await phone.GetByLabel("Last four digits of your phone").FillAsync("0000");
            await phone.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        }

        Assert.Equal("This link is locked", await phone.GetByRole(AriaRole.Heading, new() { Level = 1 }).TextContentAsync());
        Assert.Equal(423, (await phone.ReloadAsync())!.Status);
    }

    [Fact]
    public async Task A_plan_with_the_penalty_waived_waits_for_the_lenders_approval()
    {
        var lender = NewId("L");
        var accountRef = await AccountAsync(lender, penalty: 200m);
        var phone = await PageAsync(phone: true);
        await phone.GotoAsync(await LinkAsync(lender, accountRef) + "?lang=en");
        await phone.GetByLabel("Last four digits of your phone").FillAsync("4521");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await phone.GetByText("Ask for a payment plan", new() { Exact = true }).ClickAsync();
        await phone.GetByLabel("Installments").FillAsync("2");
        await phone.GetByLabel("First payment on").FillAsync(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await phone.GetByLabel("Ask to waive the penalty").CheckAsync();
        await phone.GetByRole(AriaRole.Button, new() { Name = "Ask for the plan" }).ClickAsync();
        Assert.Equal("Your plan request waits for your lender's approval.", await phone.GetByRole(AriaRole.Status).TextContentAsync());

        for (var i = 0; i < 100; i++)
        {
            var approvals = await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/approvals")).JsonAsync();
            if (approvals.GetProperty("items").EnumerateArray().Any(a => a.GetProperty("accountRef").GetString() == accountRef))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the plan is not in the lender's approvals");
    }

    private async Task<string> AccountAsync(string lender, decimal penalty)
    {
        var accountRef = NewId("A");
        var record = $$"""{"currency":"CNY","principal":{{(900m - penalty).ToString(CultureInfo.InvariantCulture)}},"penalty":{{penalty.ToString(CultureInfo.InvariantCulture)}},"dueDate":"{{Records.DueDaysAgo(20)}}","borrowerName":"Test Borrower","phone":"+8613800134521","timezone":"UTC"}""";
        Assert.Equal(HttpStatusCode.Created, (await Host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(record))).StatusCode);
        return accountRef;
    }

    /// <summary>The link as the lender's SMS carries it.</summary>
    private async Task<string> LinkAsync(string lender, string accountRef)
    {
        var response = await Host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/portal-links", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("url").GetString()!;
    }
}
