using Collections.Contracts;
using Collections.Domain;
using Collections.Host.Api;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.ConsoleUi.Pages.Agencies;

/// <summary>
/// A placed account as the agency sees it (the API's agency view: what it needs to collect, nothing more),
/// the contact policy's verdict, and the agency's work — activity, payment, return — through the API's handlers.
/// </summary>
public sealed class PlacementModel : ConsolePage
{
    [FromRoute]
    public string AgencyId { get; set; } = string.Empty;

    [FromRoute]
    public string LenderId { get; set; } = string.Empty;

    [FromRoute]
    public string AccountRef { get; set; } = string.Empty;

    public AgencyAccountView View { get; private set; } = null!;

    public IReadOnlyList<(ContactChannel Channel, ContactPermissionResponse Permission)> Permissions { get; private set; } = [];

    private PlacementTarget Target => new(AgencyId, LenderId, AccountRef, Grains, User);

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public Task<IActionResult> OnPostActivityAsync() => ActAsync("activity", async form =>
    {
        var errors = new Dictionary<string, string[]>();
        var amount = Amount(form, "promiseAmount", errors);
        var due = Date(form, "promiseDueDate", errors);
        if (errors.Count > 0)
        {
            return (Problems.Validation(errors), string.Empty);
        }

        var promise = amount is null && due is null ? null : new AgencyPromiseRequest(amount, due);
        var request = new AgencyActivityRequest(Text(form, "channel"), Text(form, "outcome"), null, promise);
        return ((await AgenciesApi.ActivityAsync(Target, request)).Result, $"{request.Channel} recorded: {request.Outcome}.");
    });

    public Task<IActionResult> OnPostPaymentAsync() => ActAsync("payment", async form =>
    {
        var errors = new Dictionary<string, string[]>();
        var request = new PaymentRequest(Text(form, "paymentId"), Amount(form, "amount", errors), null);
        return errors.Count > 0
            ? (Problems.Validation(errors), string.Empty)
            : ((await AgenciesApi.PaymentAsync(Target, request)).Result, $"Payment {request.PaymentId} recorded.");
    });

    public Task<IActionResult> OnPostReturnAsync() => ActAsync("return", async form =>
    {
        var request = new AgencyReturnRequest(Text(form, "reason"));
        return ((await AgenciesApi.ReturnAsync(Target, request)).Result, $"{AccountRef} returned to {LenderId}.");
    });

    private async Task<IActionResult> ActAsync(string form, Func<IFormCollection, Task<(IResult Result, string Done)>> act)
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        var (result, done) = await act(Request.Form);
        if (result.Problem() is { } problem)
        {
            Fail(form, problem);
            return await LoadAsync() ? Page() : NotFound();
        }

        Notice = done;

        // An action that ended the placement (a return, the payment that cleared it) leaves the work list.
        return await LoadAsync()
            ? Redirect($"/console/agencies/{AgencyId}/placements/{LenderId}/{AccountRef}")
            : Redirect($"/console/agencies/{AgencyId}");
    }

    private async Task<bool> LoadAsync()
    {
        if (!await MayAsync(Policies.AgencyOrAdmin) || !AgencyScopeFilter.Sees(Who, AgencyId) || !Ids.Valid(AgencyId, LenderId, AccountRef))
        {
            return false;
        }

        if ((await AgenciesApi.PlacedAccountAsync(Target)).Result.Value<AgencyAccountView>() is not { } view)
        {
            return false;
        }

        View = view;
        var permissions = new List<(ContactChannel, ContactPermissionResponse)>();
        foreach (var channel in Enum.GetValues<ContactChannel>())
        {
            if ((await AgenciesApi.ContactPermissionAsync(Target, channel.ToString())).Result.Value<ContactPermissionResponse>() is { } permission)
            {
                permissions.Add((channel, permission));
            }
        }

        Permissions = permissions;
        return true;
    }
}
