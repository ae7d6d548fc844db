using System.Globalization;
using System.Text;
using Collections.Contracts;
using Collections.Domain;
using Collections.Grains.Time;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

/// <summary>One account as a search finds it; <c>daysPastDue</c> as of now.</summary>
public sealed record AccountListItem(
    string AccountRef,
    string? CustomerId,
    AccountStatus Status,
    Stage? Stage,
    string? Bucket,
    int DaysPastDue,
    BalanceView Balance,
    string Currency,
    RiskTier RiskTier,
    string? Segment,
    string? AgencyId);

/// <summary>A page of accounts; <c>next</c> is the cursor of the next page, null at the end.</summary>
public sealed record AccountListResponse(IReadOnlyList<AccountListItem> Items, string? Next);

/// <summary>An arrangement waiting for approval, and who submitted it (who may not approve it).</summary>
public sealed record ApprovalItem(string AccountRef, ApprovalKind Kind, decimal WaivePercent, string? SubmittedBy, DateTimeOffset SubmittedAt);

public sealed record ApprovalListResponse(IReadOnlyList<ApprovalItem> Items, string? Next);

public sealed record IndexRebuildResponse(long Accounts);

/// <summary>
/// Finding accounts through the read model (never a scan of accounts, never one hot grain): search by
/// filters, the approvals waiting, and the index's rebuild from the stored accounts.
/// </summary>
public static class SearchApi
{
    private static readonly string Statuses = Parse.Names<AccountStatus>();
    private static readonly string Stages = Parse.Names<Stage>();
    private static readonly string Tiers = Parse.Names<RiskTier>();

    public static RouteGroupBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        var lender = app.MapGroup("/api/v1/lenders/{lenderId}")
            .RequireAuthorization(Policies.LenderScoped)
            .AddEndpointFilter<LenderScopeFilter>()
            .WithTags("Search");
        lender.MapGet("/accounts", SearchAsync)
            .WithName("SearchAccounts")
            .RequireAuthorization(Policies.AccountReader)
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("Find accounts by status, stage, bucket, segment, riskTier, agencyId, customerId and balance range, paged by cursor in accountRef order")
            .WithDescription("Filters combine with AND. A page costs the same with a million accounts as with a thousand: the smallest filter set is walked from the cursor and at most a bounded number of candidates is looked at, so a page may hold fewer than limit items and still have a next. Changes show within a moment of being committed. bucket and riskTier are as of the account's last change or bucket boundary; daysPastDue is as of now.");
        lender.MapGet("/approvals", ApprovalsAsync)
            .WithName("ListApprovals")
            .RequireAuthorization(Policies.LenderReader)
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("Plans and settlements waiting for approval, with who submitted them (that key may not approve them)");

        var admin = app.MapGroup("/api/v1/admin").RequireAuthorization(Policies.Admin).WithTags("Admin");
        admin.MapPost("/index/rebuild", RebuildAsync)
            .WithName("RebuildAccountIndex")
            .WithSummary("Re-derive the account index from every stored account's snapshot (reads the whole store once; for an index that was lost)");
        return lender;
    }

    private static async Task<Results<Ok<AccountListResponse>, ProblemHttpResult>> SearchAsync(
        string lenderId, IGrainFactory grains, BusinessClock clock,
        string? status, string? stage, string? bucket, string? segment, string? riskTier, string? agencyId, string? customerId,
        string? minBalance, string? maxBalance, string? cursor, string? limit)
    {
        var errors = new Dictionary<string, string[]>();
        var query = new AccountQuery(
            Status: Enum<AccountStatus>(errors, "status", status, Statuses),
            Stage: Enum<Stage>(errors, "stage", stage, Stages),
            Bucket: Text(errors, "bucket", bucket),
            Segment: Text(errors, "segment", segment),
            RiskTier: Enum<RiskTier>(errors, "riskTier", riskTier, Tiers),
            AgencyId: Text(errors, "agencyId", agencyId),
            CustomerId: Text(errors, "customerId", customerId),
            MinBalance: Amount(errors, "minBalance", minBalance),
            MaxBalance: Amount(errors, "maxBalance", maxBalance));
        if (query is { MinBalance: { } min, MaxBalance: { } max } && min > max)
        {
            errors["maxBalance"] = [$"must be at least minBalance ({min.ToString(CultureInfo.InvariantCulture)})"];
        }

        if (await PageAsync(lenderId, query, cursor, limit, errors, grains) is not { } page)
        {
            return Problems.Validation(errors);
        }

        var now = clock.Now;
        var items = page.Items.Select(s => new AccountListItem(
            s.AccountRef, s.CustomerId, s.Status, s.Stage, s.Bucket,
            s.Status == AccountStatus.Active ? Math.Max(0, BusinessCalendar.DaysPastDue(s.DueDate, now, BusinessCalendar.Zone(s.TimeZone ?? "UTC"))) : 0,
            s.Balance, s.Currency, s.RiskTier, s.Segment, s.AgencyId)).ToList();
        return TypedResults.Ok(new AccountListResponse(items, Cursor(page.Next)));
    }

    private static async Task<Results<Ok<ApprovalListResponse>, ProblemHttpResult>> ApprovalsAsync(string lenderId, IGrainFactory grains, string? cursor, string? limit)
    {
        var errors = new Dictionary<string, string[]>();
        if (await PageAsync(lenderId, new AccountQuery(PendingApproval: true), cursor, limit, errors, grains) is not { } page)
        {
            return Problems.Validation(errors);
        }

        var items = page.Items.Where(s => s.Pending is not null)
            .Select(s => new ApprovalItem(s.AccountRef, s.Pending!.Kind, s.Pending.WaivePercent, s.Pending.SubmittedBy, s.Pending.SubmittedAt))
            .ToList();
        return TypedResults.Ok(new ApprovalListResponse(items, Cursor(page.Next)));
    }

    private static async Task<Ok<IndexRebuildResponse>> RebuildAsync(IGrainFactory grains) =>
        TypedResults.Ok(new IndexRebuildResponse(await grains.GetGrain<IAccountIndexGrain>(0).RebuildAsync()));

    /// <summary>The page asked for, or null with <paramref name="errors"/> filled when the request is not valid.</summary>
    internal static async Task<AccountSummaryPage?> PageAsync(
        string lenderId, AccountQuery query, string? cursor, string? limit, Dictionary<string, string[]> errors, IGrainFactory grains)
    {
        if (!Ids.Valid(lenderId))
        {
            errors["lenderId"] = ["must be 1–64 characters of A–Z a–z 0–9 . _ : -"];
        }

        var after = cursor is null ? null : After(cursor);
        if (cursor is not null && after is null)
        {
            errors["cursor"] = ["is not a cursor this API gave; send the next of the previous page, or leave it out for the first page"];
        }

        var size = 100;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > 1000))
        {
            errors["limit"] = ["must be a whole number from 1 to 1000"];
        }

        if (errors.Count > 0)
        {
            return null;
        }

        return await grains.GetGrain<IAccountIndexGrain>(0).SearchAsync(lenderId, query with { After = after, Limit = size });
    }

    private static T? Enum<T>(Dictionary<string, string[]> errors, string name, string? text, string names)
        where T : struct, System.Enum
    {
        if (text is null)
        {
            return null;
        }

        if (Parse.Name<T>(text, out var value))
        {
            return value;
        }

        errors[name] = [$"must be one of {names}"];
        return null;
    }

    private static string? Text(Dictionary<string, string[]> errors, string name, string? text)
    {
        if (text is not null && (text.Length is 0 or > 64))
        {
            errors[name] = ["must be 1–64 characters"];
        }

        return text;
    }

    private static decimal? Amount(Dictionary<string, string[]> errors, string name, string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return amount;
        }

        errors[name] = ["must be an amount ≥ 0, e.g. 1000.50"];
        return null;
    }

    /// <summary>The opaque cursor of a page that ends at <paramref name="accountRef"/>.</summary>
    internal static string? Cursor(string? accountRef) =>
        accountRef is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(accountRef)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? After(string cursor)
    {
        var base64 = cursor.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        try
        {
            var accountRef = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            return Ids.Valid(accountRef) ? accountRef : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
