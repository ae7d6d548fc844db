using System.Globalization;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Host.Api;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.ConsoleUi.Pages.Accounts;

/// <summary>
/// The account page: the API's account view, the debtor's other accounts, the contact policy's verdict per
/// channel, the audit trail as a timeline, and the forms of the work a key may do — each posted to the API's
/// own handler, whose problems are shown next to the fields.
/// </summary>
public sealed class AccountModel : ConsolePage
{
    public const int TimelinePage = 100;

    [FromRoute]
    public string LenderId { get; set; } = string.Empty;

    [FromRoute]
    public string AccountRef { get; set; } = string.Empty;

    public AccountView View { get; private set; } = null!;

    public DebtorView? Debtor { get; private set; }

    public EventPageResponse Timeline { get; private set; } = new([], null);

    public long After { get; private set; }

    public IReadOnlyList<(ContactChannel Channel, ContactPermissionResponse Permission)> Permissions { get; private set; } = [];

    public bool MayContact { get; private set; }

    public bool MayNegotiate { get; private set; }

    /// <summary>The account's documents (what the key may read of them), newest first.</summary>
    public IReadOnlyList<DocumentResponse> Documents { get; private set; } = [];

    /// <summary>The account's complaints: overdue first, then open, then resolved; newest first within each.</summary>
    public IReadOnlyList<ComplaintResponse> Complaints { get; private set; } = [];

    /// <summary>The collector's lease on this account, when they came from their queue (team and until).</summary>
    public (string Team, DateTimeOffset Until)? Lease { get; private set; }

    private AccountTarget Target => new(LenderId, AccountRef, Grains, User);

    public async Task<IActionResult> OnGetAsync(long after = 0) => await LoadAsync(after) ? Page() : NotFound();

    public Task<IActionResult> OnPostContactAsync() => ActAsync("contact", Policies.Contactor, async form =>
    {
        var request = new ContactRequest(Text(form, "channel"), Text(form, "outcome"), null);
        var result = (await ContactsApi.RecordAsync(Target, request)).Result;
        return (result, $"{request.Channel} recorded: {request.Outcome}.");
    });

    public Task<IActionResult> OnPostPromiseAsync() => ActAsync("promise", Policies.Negotiator, async form =>
    {
        var errors = new Dictionary<string, string[]>();
        var request = new PromiseRequest(Amount(form, "amount", errors), Date(form, "dueDate", errors));
        return errors.Count > 0
            ? (Problems.Validation(errors), string.Empty)
            : ((await NegotiationApi.PromiseAsync(Target, request)).Result, $"Promise recorded: {request.Amount?.ToString(CultureInfo.InvariantCulture)} by {Show.Date(request.DueDate)}.");
    });

    public Task<IActionResult> OnPostPlanAsync() => ActAsync("plan", Policies.Negotiator, async form =>
    {
        var errors = new Dictionary<string, string[]>();
        var installments = Installments(form["installments"].ToString(), errors);
        var waive = new WaiverRequest(Amount(form, "waiveInterest", errors), Amount(form, "waiveFees", errors), Amount(form, "waivePenalty", errors));
        if (errors.Count > 0)
        {
            return (Problems.Validation(errors), string.Empty);
        }

        var result = (await NegotiationApi.PlanAsync(Target, new PlanRequest(installments, waive))).Result;
        var pending = result.Value<AccountView>()?.Plan?.Status == ApprovalStatus.PendingApproval;
        return (result, pending ? "Plan submitted: it waits for the lender's approval." : "Plan in force.");
    });

    public Task<IActionResult> OnPostSettlementAsync() => ActAsync("settlement", Policies.Negotiator, async form =>
    {
        var errors = new Dictionary<string, string[]>();
        var request = new SettlementRequest(Amount(form, "settlementAmount", errors), Date(form, "expiresOn", errors));
        if (errors.Count > 0)
        {
            return (Problems.Validation(errors), string.Empty);
        }

        var result = (await NegotiationApi.SettlementAsync(Target, request)).Result;
        var pending = result.Value<AccountView>()?.Settlement?.Status == ApprovalStatus.PendingApproval;
        return (result, pending ? "Settlement offered: it waits for the lender's approval." : "Settlement offered.");
    });

    public Task<IActionResult> OnPostContactInfoAsync() => ActAsync("contactInfo", Policies.Negotiator, async form =>
    {
        var request = new ContactInfoRequest(Text(form, "phone"), Text(form, "email"), Text(form, "address"), Text(form, "source"));
        return ((await ContactsApi.ChangeContactInfoAsync(Target, request)).Result, "Contact information changed.");
    });

    /// <summary>Plan lines as a person writes them, one installment a line: <c>2026-12-15 250.00</c>.</summary>
    private static List<InstallmentRequest?> Installments(string text, Dictionary<string, string[]> errors)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var installments = new List<InstallmentRequest?>();
        for (var i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2
                && DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due)
                && decimal.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                installments.Add(new InstallmentRequest(due, amount));
            }
            else
            {
                errors[$"installments[{i}]"] = [$"'{lines[i]}' is not 'yyyy-MM-dd amount'"];
            }
        }

        return installments;
    }

    /// <summary>Runs one form's action through the API's handler: a redirect with a notice, or the page again with its problems.</summary>
    private async Task<IActionResult> ActAsync(string form, string policy, Func<IFormCollection, Task<(IResult Result, string Done)>> act)
    {
        if (!await LoadAsync(0))
        {
            return NotFound();
        }

        if (!await MayAsync(policy))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        var (result, done) = await act(Request.Form);
        if (result.Problem() is { } problem)
        {
            Fail(form, problem);
            await LoadAsync(0);
            return Page();
        }

        Notice = done;
        return Redirect(FormAction(null));
    }

    /// <summary>This page's address for a form's <paramref name="handler"/>, keeping the lease the collector came with.</summary>
    public string FormAction(string? handler)
    {
        var query = Request.Query.Where(q => q.Key is "team" or "lease").ToDictionary(q => q.Key, q => (string?)q.Value.ToString());
        if (handler is not null)
        {
            query["handler"] = handler;
        }

        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(Request.Path, query);
    }

    private async Task<bool> LoadAsync(long after)
    {
        if (!await MayAsync(Policies.AccountReader) || !LenderScopeFilter.Sees(Who, LenderId) || !Ids.Valid(LenderId, AccountRef))
        {
            return false;
        }

        if ((await AccountsApi.GetAsync(Target)).Result.Value<AccountView>() is not { } view)
        {
            return false;
        }

        View = view;
        After = Math.Max(0, after);
        Timeline = (await AccountsApi.EventsAsync(Target, After, TimelinePage)).Result.Value<EventPageResponse>() ?? new([], null);
        Documents = [.. ((await DocumentsApi.ListAsync(Target)).Result.Value<DocumentListResponse>()?.Items ?? []).OrderByDescending(d => d.AddedAt)];
        Complaints = [.. ((await ComplaintsApi.ListAsync(Target)).Result.Value<ComplaintListResponse>()?.Items ?? [])
            .OrderBy(c => c.Status switch { ComplaintStatus.Overdue => 0, ComplaintStatus.Open => 1, _ => 2 })
            .ThenByDescending(c => c.ReceivedAt)];
        if (view.CustomerId is { } customer)
        {
            Debtor = (await DebtorsApi.GetAsync(LenderId, customer, Grains)).Result.Value<DebtorView>();
        }

        if (await MayAsync(Policies.ContactCheck))
        {
            var permissions = new List<(ContactChannel, ContactPermissionResponse)>();
            foreach (var channel in Enum.GetValues<ContactChannel>())
            {
                if ((await ContactsApi.PermissionAsync(Target, channel.ToString())).Result.Value<ContactPermissionResponse>() is { } permission)
                {
                    permissions.Add((channel, permission));
                }
            }

            Permissions = permissions;
        }

        MayContact = await MayAsync(Policies.Contactor);
        MayNegotiate = await MayAsync(Policies.Negotiator);
        if (Request.Query["team"].ToString() is { Length: > 0 } team
            && DateTimeOffset.TryParse(Request.Query["lease"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until))
        {
            Lease = (team, until);
        }

        return true;
    }
}
