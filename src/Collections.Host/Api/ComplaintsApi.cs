using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

public sealed record ComplaintRequest(string? Channel, string? Category, string? Text, string? AgencyId);

public sealed record ResolveComplaintRequest(bool? Upheld, string? Resolution);

/// <summary>A complaint on an account; <c>respondBy</c> is the last day to answer it, in the debtor's zone.</summary>
public sealed record ComplaintResponse(
    string ComplaintId,
    ComplaintChannel Channel,
    ComplaintCategory Category,
    string Text,
    string? AgencyId,
    DateTimeOffset ReceivedAt,
    DateOnly RespondBy,
    ComplaintStatus Status,
    bool? Upheld,
    string? Resolution,
    DateTimeOffset? ResolvedAt)
{
    public static ComplaintResponse From(ComplaintView c) =>
        new(c.ComplaintId, c.Channel, c.Category, c.Text, c.AgencyId, c.ReceivedAt, c.RespondBy, c.Status, c.Upheld, c.Resolution, c.ResolvedAt);
}

public sealed record ComplaintListResponse(IReadOnlyList<ComplaintResponse> Items);

/// <summary>One complaint in a lender's list (no text: open the account's complaints for it).</summary>
public sealed record LenderComplaintItem(
    string AccountRef, string ComplaintId, ComplaintCategory Category, ComplaintStatus Status, DateOnly RespondBy, string? AgencyId, DateTimeOffset ReceivedAt);

public sealed record LenderComplaintListResponse(IReadOnlyList<LenderComplaintItem> Items, string? Next);

/// <summary>
/// Complaints: intake on an account (any channel; NotMine opens a dispute, Harassment against an agency
/// stops its contact until resolved), resolution, and the lender's lists by status from the account read model.
/// </summary>
public static class ComplaintsApi
{
    private static readonly string Channels = Parse.Names<ComplaintChannel>();
    private static readonly string Categories = Parse.Names<ComplaintCategory>();

    public static RouteGroupBuilder MapComplaintsApi(this RouteGroupBuilder account)
    {
        var complaints = account.MapGroup("/complaints").WithTags("Complaints");
        complaints.MapPost("", ReceiveAsync)
            .WithName("ReceiveComplaint")
            .RequireAuthorization(Policies.ComplaintIntake)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Record a complaint: 201 with complaintId and respondBy (strategy complaints.responseDays after today, debtor-local)")
            .WithDescription($"channel is one of {Channels}; category one of {Categories}; agencyId names the agency complained of (the one the account is or was last placed with). " +
                "NotMine opens a dispute too (collection stops); Harassment against an agency stops that agency's contact on the account (rule complaint) until the complaint is resolved. " +
                "An unresolved complaint is flagged ComplaintOverdue by the account's own wake once its respondBy day has ended.");
        complaints.MapGet("", ListAsync)
            .WithName("ListAccountComplaints")
            .RequireAuthorization(Policies.AccountReader)
            .ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("The account's complaints, in the order they came in, resolved ones included");
        complaints.MapPost("/{complaintId}/resolve", ResolveAsync)
            .WithName("ResolveComplaint")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Resolve a complaint: upheld (the debtor was right) or not, with the resolution; an agency's contact stopped by it resumes");
        return account;
    }

    public static RouteGroupBuilder MapLenderComplaintsApi(this IEndpointRouteBuilder app)
    {
        var lender = app.MapGroup("/api/v1/lenders/{lenderId}")
            .RequireAuthorization(Policies.LenderReader)
            .AddEndpointFilter<LenderScopeFilter>()
            .WithTags("Complaints");
        lender.MapGet("/complaints", LenderComplaintsAsync)
            .WithName("ListComplaints")
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("The lender's complaints by status (Open, Overdue, Resolved), paged by cursor in accountRef order")
            .WithDescription("From the account read model, like the account search: a page costs the same however many accounts the lender has, and may hold fewer than limit items and still have a next. Without status, every complaint.");
        return lender;
    }

    private static IAccountRecordsGrain Records(AccountTarget target) =>
        target.Grains.GetGrain<IAccountRecordsGrain>(AccountKey.For(target.LenderId, target.AccountRef));

    private static async Task<Results<Created<ComplaintResponse>, ProblemHttpResult>> ReceiveAsync([AsParameters] AccountTarget target, ComplaintRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Parse.Name<ComplaintChannel>(request.Channel, out var channel))
        {
            errors["channel"] = [$"must be one of {Channels}"];
        }

        if (!Parse.Name<ComplaintCategory>(request.Category, out var category))
        {
            errors["category"] = [$"must be one of {Categories}"];
        }

        if (string.IsNullOrWhiteSpace(request.Text))
        {
            errors["text"] = ["is required: what the debtor complains of"];
        }

        if (request.AgencyId is { } agencyId && !Ids.Valid(agencyId))
        {
            errors["agencyId"] = ["must be 1–64 characters of A–Z a–z 0–9 . _ : -"];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var result = await Records(target).ReceiveComplaintAsync(new ComplaintIntake(channel, category, request.Text!, request.AgencyId), target.Actor);
        return result switch
        {
            { RejectionKind: { } kind } => Problems.Rejected(kind, result.Error ?? kind.ToString()),
            { Complaint: { } complaint } => TypedResults.Created($"{target.Location}/complaints/{complaint.ComplaintId}", ComplaintResponse.From(complaint)),
            _ => target.Unknown(),
        };
    }

    private static async Task<Results<Ok<ComplaintListResponse>, ProblemHttpResult>> ListAsync([AsParameters] AccountTarget target) =>
        await Records(target).GetComplaintsAsync() is { } complaints
            ? TypedResults.Ok(new ComplaintListResponse([.. complaints.Select(ComplaintResponse.From)]))
            : target.Unknown();

    private static async Task<Results<Ok<ComplaintResponse>, ProblemHttpResult>> ResolveAsync(
        [AsParameters] AccountTarget target, string complaintId, ResolveComplaintRequest request)
    {
        if (Parse.Missing(
                ("upheld", request.Upheld is null, "is required: true when the debtor was right"),
                ("resolution", string.IsNullOrWhiteSpace(request.Resolution), "is required: what was found and done")) is { } missing)
        {
            return missing;
        }

        var result = await Records(target).ResolveComplaintAsync(complaintId, request.Upheld!.Value, request.Resolution!, target.Actor);
        return result switch
        {
            { RejectionKind: { } kind } => Problems.Rejected(kind, result.Error ?? kind.ToString()),
            { Complaint: { } complaint } => TypedResults.Ok(ComplaintResponse.From(complaint)),
            _ => target.Unknown(),
        };
    }

    private static async Task<Results<Ok<LenderComplaintListResponse>, ProblemHttpResult>> LenderComplaintsAsync(
        string lenderId, IGrainFactory grains, string? status, string? cursor, string? limit)
    {
        var errors = new Dictionary<string, string[]>();
        ComplaintStatus? wanted = null;
        if (status is not null)
        {
            if (Parse.Name<ComplaintStatus>(status, out var parsed))
            {
                wanted = parsed;
            }
            else
            {
                errors["status"] = [$"must be one of {Parse.Names<ComplaintStatus>()}"];
            }
        }

        var query = wanted is { } only ? new AccountQuery(Complaints: only) : new AccountQuery(HasComplaints: true);
        if (await SearchApi.PageAsync(lenderId, query, cursor, limit, errors, grains) is not { } page)
        {
            return Problems.Validation(errors);
        }

        var items = page.Items
            .SelectMany(s => (s.Complaints ?? []).Where(c => wanted is null || c.Status == wanted)
                .Select(c => new LenderComplaintItem(s.AccountRef, c.ComplaintId, c.Category, c.Status, c.RespondBy, c.AgencyId, c.ReceivedAt)))
            .ToList();
        return TypedResults.Ok(new LenderComplaintListResponse(items, SearchApi.Cursor(page.Next)));
    }
}
