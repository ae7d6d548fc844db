using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.ConsoleUi.Pages;

/// <summary>Ends the console session (a POST, so a link elsewhere cannot sign anyone out).</summary>
public sealed class SignOutModel : ConsolePage
{
    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleSetup.Scheme);
        return Redirect(ConsoleSetup.SignInPath);
    }
}
