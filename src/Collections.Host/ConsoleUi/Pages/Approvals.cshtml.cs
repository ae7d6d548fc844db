using Collections.Contracts;
using Collections.Host.Api;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.ConsoleUi.Pages;

/// <summary>
/// Plans and settlements waiting for approval, approved or declined (with a reason) through the API's own handlers:
/// maker–checker is the account's rule (the key that submitted cannot decide it), so the console cannot bypass it.
/// </summary>
public sealed class ApprovalsModel : ConsolePage
{
    [FromRoute]
    public string LenderId { get; set; } = string.Empty;

    public ApprovalListResponse Approvals { get; private set; } = new([], null);

    public bool MayApprove { get; private set; }

    /// <summary>The signed-in key as the audit trail names it (what <c>submittedBy</c> is compared with).</summary>
    public string Actor => User.Actor();

    public async Task<IActionResult> OnGetAsync(string? cursor) => await LoadAsync(cursor) ? Page() : NotFound();

    public Task<IActionResult> OnPostApproveAsync() =>
        DecideAsync("approve", "approved", async (target, kind) => kind == ApprovalKind.Plan
            ? (await NegotiationApi.ApprovePlanAsync(target)).Result
            : (await NegotiationApi.ApproveSettlementAsync(target)).Result);

    public Task<IActionResult> OnPostDeclineAsync()
    {
        var request = new DeclineRequest(Request.Form["reason"].ToString());
        return DecideAsync("decline", "declined", async (target, kind) => kind == ApprovalKind.Plan
            ? (await NegotiationApi.DeclinePlanAsync(target, request)).Result
            : (await NegotiationApi.DeclineSettlementAsync(target, request)).Result);
    }

    /// <summary>Approves or declines the plan or settlement the form names, through the API's handler; its problems are shown by the row's form.</summary>
    private async Task<IActionResult> DecideAsync(string action, string done, Func<AccountTarget, ApprovalKind, Task<IResult>> decide)
    {
        if (!await LoadAsync(null))
        {
            return NotFound();
        }

        var accountRef = Request.Form["accountRef"].ToString();
        var form = $"{action}-{accountRef}";
        if (!Ids.Valid(accountRef) || !Parse.Name<ApprovalKind>(Request.Form["kind"], out var kind))
        {
            Fail(form, new Dictionary<string, string[]> { ["kind"] = ["must name a plan or settlement of this list"] });
            return Page();
        }

        var result = await decide(new AccountTarget(LenderId, accountRef, Grains, User), kind);
        if (result.Problem() is { } problem)
        {
            Fail(form, problem);
            return Page();
        }

        Notice = $"{kind} of {accountRef} {done}.";
        return Redirect($"/console/approvals/{LenderId}");
    }

    private async Task<bool> LoadAsync(string? cursor)
    {
        if (!await MayAsync(Policies.LenderReader) || !LenderScopeFilter.Sees(Who, LenderId) || !Ids.Valid(LenderId))
        {
            return false;
        }

        var result = (await SearchApi.ApprovalsAsync(LenderId, Grains, cursor, "50")).Result;
        if (result.Problem() is { } problem)
        {
            Fail("list", problem);
        }

        Approvals = result.Value<ApprovalListResponse>() ?? new([], null);
        MayApprove = await MayAsync(Policies.LenderOrAdmin);
        return true;
    }
}
