using Microsoft.Playwright;

namespace Collections.Host.Tests;

/// <summary>
/// A test that drives Debian's headless Chromium (<see cref="SystemChromium"/>) against <see cref="Host"/>: a browser
/// per test, pages in contexts of their own on the host's address that collect console errors and uncaught
/// exceptions, and the check that there were none.
/// </summary>
public abstract class BrowserTest(HostFixture host) : IAsyncLifetime
{
    private readonly List<string> consoleErrors = [];
    private IPlaywright playwright = null!;

    protected HostFixture Host { get; } = host;

    protected IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        playwright = await Playwright.CreateAsync();
        Browser = await SystemChromium.LaunchAsync(playwright);
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }

    /// <summary>A page with no cookies but its own, on the host's address; <paramref name="phone"/>: a phone's screen (390×844, touch).</summary>
    protected async Task<IPage> PageAsync(bool phone = false)
    {
        var context = await Browser.NewContextAsync(phone
            ? new() { BaseURL = Host.BaseAddress.ToString(), ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true }
            : new() { BaseURL = Host.BaseAddress.ToString() });
        // Several hosts and browsers share a 2-core CI machine while these tests run: Playwright's 30 s default was
        // once exceeded there by a page load that takes under a second on its own.
        context.SetDefaultTimeout(90_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add($"{page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => consoleErrors.Add($"{page.Url}: {error}");
        return page;
    }

    protected void AssertNoConsoleErrors() => Assert.True(consoleErrors.Count == 0, string.Join('\n', consoleErrors));

    /// <summary>Signs in to the console with an API key.</summary>
    protected static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("/console/signin");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/console/signin", StringComparison.Ordinal));
    }
}
