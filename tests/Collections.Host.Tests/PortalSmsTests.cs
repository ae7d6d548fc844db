using System.Globalization;
using System.Net;
using System.Text.Json;
using Collections.Grains.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>
/// A host whose contacts go to <see cref="Lender"/>'s webhook (a loopback receiver, as an SMS gateway would take them),
/// whose strategy sends an SMS with a link to the debtor's page on entering Notice, and whose business clock the tests
/// move (<see cref="Time"/>, 10:00 UTC today at the start: inside the contact window of a debtor in UTC).
/// </summary>
public sealed class SmsPortalHost : IAsyncLifetime
{
    public const string Lender = "L-sms-portal";

    private WebhookReceiver? receiver;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(10), TimeSpan.Zero));

    public WebhookReceiver Receiver => receiver ?? throw new InvalidOperationException("The receiver starts with the fixture.");

    public HostFixture Host { get; private set; } = null!;

    /// <summary>Business today.</summary>
    public DateOnly Today => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);

    public async Task InitializeAsync()
    {
        receiver = await WebhookReceiver.StartAsync();
        var start = Time.GetUtcNow();
        Host = HostFixture.With(
            "Development",
            new Dictionary<string, string?>
            {
                ["Collections:Contacts:Gateway"] = "Webhook",
                [$"Collections:Contacts:Webhooks:{Lender}:Url"] = receiver.ContactsUrl.ToString(),
                [$"Collections:Contacts:Webhooks:{Lender}:Secret"] = "sms-portal-test-secret-0123456789",
            },
            services => services.AddSingleton(new BusinessClock(Time, start, start, 1)));
        await Host.InitializeAsync();
        var strategy = await Host.Admin.PutAsync($"/api/v1/lenders/{Lender}/strategy",
            Json("""{"contactPlan":[{"stage":"Notice","channel":"Sms","dayOffsets":[0],"portalLink":true}],"portal":{"linkDays":14}}"""));
        Assert.True(strategy.IsSuccessStatusCode, await strategy.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    /// <summary>An account 3 days past due (Notice) of a debtor in UTC, phone ending 4521; its SMS goes out as it is imported.</summary>
    public async Task<string> AccountAsync()
    {
        var accountRef = NewId("A");
        var dueDate = Today.AddDays(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var record = $$"""{"currency":"CNY","principal":900,"dueDate":"{{dueDate}}","borrowerName":"Test Borrower","phone":"+8613800134521","timezone":"UTC"}""";
        Assert.Equal(HttpStatusCode.Created, (await Host.Admin.PutAsync($"/api/v1/lenders/{Lender}/accounts/{accountRef}", Json(record))).StatusCode);
        return accountRef;
    }

    /// <summary>The SMS the gateway received for the account, as the lender's webhook got it.</summary>
    public Task<JsonElement> SmsAsync(string accountRef) =>
        Receiver.ContactAsync(c => c.GetProperty("accountRef").GetString() == accountRef && c.GetProperty("channel").GetString() == "Sms", $"the SMS of {accountRef} is sent");
}

/// <summary>
/// The walk-through from the SMS, in Debian's Chromium at a phone's size: the strategy's SMS carries the link, the
/// debtor opens it, fails the check, passes it, promises — and the lender sees the promise on the account's timeline
/// in the console as the debtor's. Links that expired with business time answer as unknown ones do.
/// </summary>
public sealed class PortalSmsTests(SmsPortalHost sms) : BrowserTest(sms.Host), IClassFixture<SmsPortalHost>
{
    [Fact]
    public async Task A_debtor_opens_the_link_from_the_sms_fails_then_passes_the_check_promises_and_the_lender_sees_it_as_the_debtors()
    {
        var accountRef = await sms.AccountAsync();
        var message = await sms.SmsAsync(accountRef);
        var url = message.GetProperty("portalUrl").GetString()!;
        Assert.StartsWith(new Uri(Host.BaseAddress, "/pay/").ToString(), url, StringComparison.Ordinal);
        Assert.DoesNotContain(accountRef, url, StringComparison.Ordinal);
        Assert.DoesNotContain("900", url, StringComparison.Ordinal);

        var phone = await PageAsync(phone: true);
        Assert.Equal(200, (await phone.GotoAsync(url))!.Status);
        Assert.Equal("我的还款", await phone.TitleAsync());
        await phone.GetByLabel("手机号码后四位").FillAsync("1111");
        await phone.GetByRole(AriaRole.Button, new() { Name = "继续" }).ClickAsync();
        Assert.Contains("4", await phone.GetByRole(AriaRole.Alert).TextContentAsync(), StringComparison.Ordinal);

        await phone.GetByLabel("手机号码后四位").FillAsync("4521");
        await phone.GetByRole(AriaRole.Button, new() { Name = "继续" }).ClickAsync();
        Assert.Equal("900.00 CNY", await phone.Locator("[data-field=total]").TextContentAsync());
        await phone.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "portal-debt-zh.png"), FullPage = true });

        await phone.GetByText("承诺还款", new() { Exact = true }).ClickAsync();
        await phone.GetByLabel("金额", new() { Exact = true }).FillAsync("300");
        await phone.GetByLabel("日期", new() { Exact = true }).First.FillAsync(sms.Today.AddDays(5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await phone.GetByRole(AriaRole.Button, new() { Name = "提交承诺", Exact = true }).ClickAsync();
        Assert.Equal("已记录您的还款承诺。", await phone.GetByRole(AriaRole.Status).TextContentAsync());
        AssertNoConsoleErrors();

        var console = await PageAsync();
        await SignInAsync(console, (await Host.IssueKeyAsync(new { role = "lender", lenderId = SmsPortalHost.Lender })).Key);
        await console.GotoAsync($"/console/accounts/{SmsPortalHost.Lender}/{accountRef}");
        var timeline = console.GetByRole(AriaRole.List, new() { Name = "Audit trail" });
        Assert.Equal("system", await timeline.Locator("li[data-type=PortalLinkIssued] .actor").TextContentAsync());
        Assert.StartsWith("debtor@", await timeline.Locator("li[data-type=PromiseMade] .actor").TextContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_past_its_days_answers_as_an_unknown_one_on_the_page_and_in_the_api()
    {
        var accountRef = await sms.AccountAsync();
        var url = new Uri((await sms.SmsAsync(accountRef)).GetProperty("portalUrl").GetString()!);
        var token = url.AbsolutePath["/pay/".Length..];
        var debtor = Host.Client(null);
        Assert.Equal(HttpStatusCode.OK, (await debtor.PostAsync($"/api/v1/portal/{token}/verify", Json("""{"phoneLast4":"4521"}"""))).StatusCode);

        sms.Time.Advance(TimeSpan.FromDays(14));

        var expired = await (await debtor.PostAsync($"/api/v1/portal/{token}/verify", Json("""{"phoneLast4":"4521"}"""))).ProblemAsync(HttpStatusCode.NotFound);
        var unknown = await (await debtor.PostAsync($"/api/v1/portal/{new string('Q', 43)}/verify", Json("""{"phoneLast4":"4521"}"""))).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(unknown.GetProperty("detail").GetString(), expired.GetProperty("detail").GetString());

        var page = await PageAsync(phone: true);
        Assert.Equal(404, (await page.GotoAsync(url.ToString()))!.Status);
        Assert.Equal("链接无效", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).TextContentAsync());
    }
}
