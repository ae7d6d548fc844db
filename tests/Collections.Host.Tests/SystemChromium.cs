using Microsoft.Playwright;

namespace Collections.Host.Tests;

/// <summary>Debian's Chromium, headless, for the browser tests: Playwright cannot download a browser here.</summary>
public static class SystemChromium
{
    public const string Executable = "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: install it with 'apt-get install -y chromium' (.ci/run does).");
        return await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Executable,
            Headless = true,

            // The machine has no network beyond loopback: keep Chromium from reaching out.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }
}
