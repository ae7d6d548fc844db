using Microsoft.Playwright;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>
/// Headless Chromium (the system's Debian package: Playwright cannot download a browser here) loads
/// the pages people open: the interactive API docs and the Orleans dashboard.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class BrowserTests(HostFixture host) : BrowserTest(host)
{

    [Fact]
    public async Task The_interactive_api_docs_page_loads_with_the_api_and_its_sections()
    {
        var page = await PageAsync();
        await page.GotoAsync(new Uri(Host.BaseAddress, "/docs/").ToString());

        await page.GetByRole(AriaRole.Heading, new() { Name = "Collections.Orleans API" }).First.WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByText("Accounts", new() { Exact = true }).First.WaitForAsync();
    }

    [Fact]
    public async Task The_dashboard_loads_and_lists_the_account_grain_type_after_some_traffic()
    {
        var lender = NewId("L");
        await Host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import", Ndjson(Records.Ndjson("W-1"), Records.Ndjson("W-2")));

        var page = await PageAsync();
        await page.GotoAsync(new Uri(Host.BaseAddress, "/dashboard/#/grains").ToString());
        await page.GetByText("Activations by Type").WaitForAsync(new() { Timeout = 30_000 });
        await page.GetByText("AccountGrain", new() { Exact = true }).First.WaitForAsync(new() { Timeout = 30_000 });
    }
}
