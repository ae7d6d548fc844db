using System.Globalization;
using Collections.Domain;
using Collections.Domain.Portal;
using Collections.Host.Api;
using Collections.Host.Portal;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Collections.Host.ConsoleUi.Pages.Portal;

/// <summary>
/// The debtor's page at <c>/pay/{token}</c>: the knowledge check, then the debt and the action forms. Every form
/// posts to the JSON API's own handler (same rules, same audit actor); the session is an HttpOnly, SameSite=Strict
/// cookie scoped to this link's path. No script; nothing personal in the title.
/// </summary>
public sealed class PayModel(PortalService portal, PortalSessions sessions) : PageModel
{
    private const string Cookie = "collections.portal";

    public enum View
    {
        Invalid,
        Locked,
        Check,
        Debt,
    }

    public View Showing { get; private set; }

    public string Language { get; private set; } = "zh";

    public PortalPage? Debt { get; private set; }

    public string? Error { get; private set; }

    public string? Done { get; private set; }

    [FromRoute]
    public string Token { get; set; } = string.Empty;

    [FromQuery(Name = "lang")]
    public string? Lang { get; set; }

    public string T(string key) => PortalText.Get(Language, key);

    public string T(string key, params object[] args) => string.Format(CultureInfo.InvariantCulture, T(key), args);

    public static string Money(decimal amount, string currency) => string.Create(CultureInfo.InvariantCulture, $"{amount:N2} {currency}");

    public async Task<IActionResult> OnGetAsync(string? done)
    {
        var shown = await ShowAsync();
        Done = done is null ? null : T($"done.{done}");
        return shown;
    }

    public async Task<IActionResult> OnPostCheckAsync(string? phoneLast4)
    {
        if (!PortalRules.IsLast4(phoneLast4?.Trim()))
        {
            Error = T("check.format");
            return await ShowAsync();
        }

        var check = await portal.CheckAsync(Token, phoneLast4!.Trim());
        if (check is { Right: true, Session: { } session })
        {
            Response.Cookies.Append(Cookie, session, new CookieOptions
            {
                HttpOnly = true,
                Secure = Request.IsHttps,
                SameSite = SameSiteMode.Strict,
                Path = $"/pay/{Token}",
                Expires = check.ExpiresAt,
            });
            return Redirect(Here(null));
        }

        Error = check.Denial is null ? T("check.wrong", check.TriesLeft) : null;
        return await ShowAsync();
    }

    public Task<IActionResult> OnPostPromiseAsync(string? accountRef, decimal? amount, DateOnly? dueDate) =>
        ActAsync("promise", PortalApi.PromiseAsync(Token, Session, new PortalPromiseRequest(accountRef, amount, dueDate), portal));

    public async Task<IActionResult> OnPostPlanAsync(string? accountRef, int? count, DateOnly? first, bool waivePenalty)
    {
        var account = Debt?.Accounts.FirstOrDefault(a => a.AccountRef == accountRef) ?? (await PageOrNullAsync())?.Accounts.FirstOrDefault(a => a.AccountRef == accountRef);
        if (account is null || count is not (>= 1 and <= 120) || first is not { } start)
        {
            Error = Language == "en" ? "Give the number of installments and the first date." : "请填写期数和首期日期。";
            return await ShowAsync();
        }

        // Equal monthly installments of what remains after the waiver; the last takes the cents left over.
        var waived = waivePenalty ? account.Owed.Penalty : 0m;
        var each = decimal.Round((account.Owed.Total - waived) / count.Value, 2, MidpointRounding.ToZero);
        var installments = Enumerable.Range(0, count.Value)
            .Select(i => (InstallmentRequest?)new InstallmentRequest(start.AddMonths(i), i < count.Value - 1 ? each : account.Owed.Total - waived - (each * (count.Value - 1))))
            .ToList();
        var request = new PortalPlanRequest(accountRef, installments, waived > 0 ? new WaiverRequest(0, 0, waived) : null);
        return await ActAsync("plan", PortalApi.PlanAsync(Token, Session, request, portal));
    }

    public Task<IActionResult> OnPostDisputeAsync(string? accountRef, string? reason) =>
        ActAsync("dispute", PortalApi.DisputeAsync(Token, Session, new PortalDisputeRequest(accountRef, reason), portal));

    public Task<IActionResult> OnPostHardshipAsync(string? accountRef, string? note) =>
        ActAsync("hardship", PortalApi.HardshipAsync(Token, Session, new PortalHardshipRequest(accountRef, note), portal));

    public async Task<IActionResult> OnPostCallbackAsync(string? accountRef, DateOnly? date, TimeOnly? from, TimeOnly? to)
    {
        var facts = (await portal.OpenAsync(Token)).Link is { } open ? await portal.FactsAsync(open.Link, accountRef ?? open.Link.AccountRef) : null;
        if (date is not { } day || from is not { } start || to is not { } end || facts is null)
        {
            Error = Language == "en" ? "Give a date and a time window." : "请填写日期和时间段。";
            return await ShowAsync();
        }

        // The times are the debtor's own, in the zone the lender has for them.
        var zone = BusinessCalendar.Zone(facts.View.Contact.Timezone);
        DateTimeOffset Local(TimeOnly time) => new(day.ToDateTime(time), zone.GetUtcOffset(day.ToDateTime(time)));
        return await ActAsync("callback", PortalApi.CallbackAsync(Token, Session, new PortalCallbackRequest(accountRef, Local(start), Local(end), null), portal));
    }

    public async Task<IActionResult> OnPostPayAsync(string? accountRef, string? purpose)
    {
        var result = await PortalApi.PaymentIntentAsync(Token, Session, new PortalPaymentIntentRequest(accountRef, purpose, null), portal);
        return result.Result is ProblemHttpResult problem ? await FailedAsync(problem) : Redirect(Here("pay"));
    }

    private string? Session => Request.Cookies[Cookie];

    private string Here(string? done) =>
        $"/pay/{Token}" + (done is null && Lang is null ? "" : "?" + string.Join('&', new[] { done is null ? null : $"done={done}", Lang is null ? null : $"lang={Uri.EscapeDataString(Lang)}" }.OfType<string>()));

    private async Task<IActionResult> ActAsync(string action, Task<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>> acting) =>
        (await acting).Result switch
        {
            ProblemHttpResult problem => await FailedAsync(problem),
            Accepted<PortalPage> => Redirect(Here($"{action}.pending")),
            _ => Redirect(Here(action)),
        };

    private async Task<IActionResult> FailedAsync(ProblemHttpResult problem)
    {
        Error = problem.ProblemDetails is Microsoft.AspNetCore.Http.HttpValidationProblemDetails { Errors.Count: > 0 } validation
            ? string.Join(" ", validation.Errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))
            : problem.ProblemDetails.Detail;
        return await ShowAsync();
    }

    private async Task<PortalPage?> PageOrNullAsync() =>
        (await portal.AuthorizeAsync(Token, Session)).Link is { } open ? await portal.PageAsync(open) : null;

    private async Task<IActionResult> ShowAsync()
    {
        var (open, denial) = await portal.OpenAsync(Token);
        Language = Lang is "zh" or "en" ? Lang : open?.Link.Language ?? "zh";
        if (open is null)
        {
            Showing = denial == PortalDenial.Locked ? View.Locked : View.Invalid;
            Response.StatusCode = denial == PortalDenial.Locked ? StatusCodes.Status423Locked : StatusCodes.Status404NotFound;
            return Page();
        }

        if (!sessions.IsOpen(Session, open.LinkId))
        {
            Showing = View.Check;
            return Page();
        }

        Showing = View.Debt;
        Debt = await portal.PageAsync(open);
        return Page();
    }
}
