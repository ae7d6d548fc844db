using System.Globalization;
using System.Text.Encodings.Web;
using Collections.Contracts;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Collections.Host.ConsoleUi;

/// <summary>How the console asks the API's layer: the same policies, and the answers of the API's own handlers.</summary>
public static class ConsoleAccess
{
    /// <summary>Whether the signed-in key passes one of the API's named policies (<see cref="Policies"/>).</summary>
    public static async Task<bool> MayAsync(this HttpContext context, string policy) =>
        (await context.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(context.User, policy)).Succeeded;

    /// <summary>The value an API handler answered with (200, 201, 202), or null for a problem or no content.</summary>
    public static T? Value<T>(this IResult result)
        where T : class => (result as IValueHttpResult<T>)?.Value;

    /// <summary>The problem an API handler answered with, or null when it succeeded.</summary>
    public static ProblemDetails? Problem(this IResult result) => (result as ProblemHttpResult)?.ProblemDetails;
}

/// <summary>
/// A console page: the signed-in key, the API's policies, and the problems of the form that was posted,
/// shown next to its fields (the API's <c>errors</c> map) or above it (the API's <c>detail</c> and rule).
/// </summary>
public abstract class ConsolePage : PageModel
{
    private static readonly Dictionary<string, string[]> NoErrors = [];

    public ApiPrincipal Who => User.Principal() ?? new ApiPrincipal(ApiRole.Admin, null, null);

    /// <summary>The form whose problems are shown; null when none failed.</summary>
    public string? FailedForm { get; private set; }

    public IDictionary<string, string[]> FieldErrors { get; private set; } = NoErrors;

    public string? FormError { get; private set; }

    /// <summary>What the last successful action did, shown once after the redirect.</summary>
    [TempData]
    public string? Notice { get; set; }

    protected IGrainFactory Grains => HttpContext.RequestServices.GetRequiredService<IGrainFactory>();

    protected Task<bool> MayAsync(string policy) => HttpContext.MayAsync(policy);

    /// <summary>Shows <paramref name="problem"/> on <paramref name="form"/>; the page itself is answered (200), the problem is on it.</summary>
    protected void Fail(string form, ProblemDetails problem)
    {
        FailedForm = form;
        FieldErrors = problem is HttpValidationProblemDetails validation ? validation.Errors : NoErrors;
        var rule = problem.Extensions.TryGetValue("rule", out var value) && value is not null ? $" (rule: {value})" : string.Empty;
        FormError = $"{problem.Title}: {problem.Detail}{rule}";
    }

    /// <summary>Shows input the form could not even read (a number that is not one) as the API's validation problem would.</summary>
    protected void Fail(string form, IDictionary<string, string[]> errors) =>
        Fail(form, new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest, Title = "Validation failed", Detail = "The form has invalid fields; see below." });

    /// <summary>The messages for one field of <paramref name="form"/>, with the id its input points at (aria-describedby).</summary>
    public IHtmlContent ErrorsFor(string form, string field)
    {
        // A list's items (installments[2]) are shown with the list.
        var messages = FailedForm == form
            ? FieldErrors.Where(e => e.Key == field || e.Key.StartsWith(field + "[", StringComparison.Ordinal)).SelectMany(e => e.Key == field ? e.Value : e.Value.Select(m => $"{e.Key} {m}")).ToList()
            : [];
        if (messages.Count == 0)
        {
            return HtmlString.Empty;
        }

        var encoder = HtmlEncoder.Default;
        return new HtmlString($"""<span class="field-error" id="{encoder.Encode(form)}-{encoder.Encode(field)}-error">{encoder.Encode(string.Join(" ", messages))}</span>""");
    }

    /// <summary>The form-level problem of <paramref name="form"/>, when it failed.</summary>
    public IHtmlContent FormErrorFor(string form) =>
        FailedForm == form && FormError is not null
            ? new HtmlString($"""<p class="form-error" role="alert">{HtmlEncoder.Default.Encode(FormError)}</p>""")
            : HtmlString.Empty;

    /// <summary>A field's value as the form posted it, to show it again after a problem.</summary>
    public string Posted(string field) => Request.HasFormContentType ? Request.Form[field].ToString() : string.Empty;

    /// <summary>A decimal the form posted, invariant culture (as the API's JSON); null when empty, an error when not a number.</summary>
    protected static decimal? Amount(IFormCollection form, string field, Dictionary<string, string[]> errors)
    {
        var text = form[field].ToString().Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return amount;
        }

        errors[field] = ["must be an amount like 100.00"];
        return null;
    }

    /// <summary>A date the form posted (yyyy-MM-dd, what a date input sends); null when empty, an error when not a date.</summary>
    protected static DateOnly? Date(IFormCollection form, string field, Dictionary<string, string[]> errors)
    {
        var text = form[field].ToString().Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors[field] = ["must be a date (yyyy-MM-dd)"];
        return null;
    }

    /// <summary>Text the form posted; null when empty.</summary>
    protected static string? Text(IFormCollection form, string field) =>
        form[field].ToString().Trim() is { Length: > 0 } text ? text : null;
}
