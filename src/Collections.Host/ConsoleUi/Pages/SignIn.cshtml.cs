using Collections.Host.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.ConsoleUi.Pages;

/// <summary>Takes an API key once (the same check as the X-Api-Key header) and signs the browser in.</summary>
public sealed class SignInModel(ApiKeyVerifier verifier) : ConsolePage
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var key = Request.Form["key"].ToString();
        if (string.IsNullOrWhiteSpace(key) || await verifier.VerifyAsync(key) is not { } principal)
        {
            Fail("signin", new Dictionary<string, string[]> { ["key"] = ["That key is not valid or has been revoked."] });
            return Page();
        }

        await ConsoleSetup.SignInAsync(HttpContext, principal, key);

        // A shared console link the sign-in interrupted, or the key's own home; never another site (no open redirect).
        var returnUrl = Request.Query["ReturnUrl"].ToString();
        return Redirect(Url.IsLocalUrl(returnUrl) && returnUrl.StartsWith(ConsoleSetup.Path + "/", StringComparison.Ordinal)
            ? returnUrl
            : ConsoleSetup.Home(principal));
    }
}
