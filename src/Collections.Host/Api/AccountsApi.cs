using System.Text.Json;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Grains.Telemetry;
using Collections.Host.Auth;
using Collections.Host.Import;
using Collections.Host.Portal;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

public sealed record PaymentRequest(string? PaymentId, decimal? Amount, DateTimeOffset? PaidAt);

public sealed record CloseRequest(string? Reason);

/// <summary>One event of an account's audit trail; <c>data</c> holds the event's own fields, which depend on its <c>type</c>.</summary>
public sealed record AuditEvent(long Seq, DateTimeOffset At, string Type, string Actor, JsonElement Data);

/// <summary>A page of an account's audit trail; <c>next</c> is the <c>after</c> of the next page, null at the end.</summary>
public sealed record EventPageResponse(IReadOnlyList<AuditEvent> Items, long? Next);

/// <summary>Accounts of one lender: import, upsert, view, audit trail, payments, close.</summary>
public static class AccountsApi
{
    private static readonly string[] AccountOutcomes = ["created", "updated", "unchanged"];

    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/api/v1/lenders/{lenderId}/accounts")
            .RequireAuthorization(Policies.LenderScoped)
            .AddEndpointFilter<LenderScopeFilter>()
            .WithTags("Accounts");

        accounts.MapPost("/import", ImportAsync)
            .WithName("ImportAccounts")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .Accepts<string>("application/x-ndjson", "text/csv")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Import accounts (NDJSON or CSV, streamed); upsert by accountRef")
            .WithDescription("Each line is applied on its own: a bad line is rejected with its line number and reason, the others land. Re-sending the same file changes nothing (counted as unchanged).");
        accounts.MapPut("/{accountRef}", PutAsync)
            .WithName("PutAccount")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("Create or update one account from a record");

        var account = accounts.MapGroup("/{accountRef}").AddEndpointFilter<AccountTargetFilter>();
        account.MapGet("", GetAsync)
            .WithName("GetAccount")
            .RequireAuthorization(Policies.AccountReader)
            .ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("The account view");
        account.MapGet("/events", EventsAsync)
            .WithName("GetAccountEvents")
            .RequireAuthorization(Policies.AccountReader)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The complete audit trail, in order, paged by sequence number");
        account.MapPost("/payments", PayAsync)
            .WithName("RecordPayment")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Record a payment (idempotent by paymentId)");
        account.MapPost("/close", CloseAsync)
            .WithName("CloseAccount")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Close the account (Recalled, WrittenOff or Sold)");
        account.MapNegotiationApi();
        account.MapProtectionApi();
        account.MapLegalApi();
        account.MapContactsApi();
        account.MapDocumentsApi();
        account.MapComplaintsApi();
        account.MapPortalLinksApi();
        return accounts;
    }

    /// <summary>Declares the problem responses an operation may answer, for OpenAPI (their status depends on the domain's answer).</summary>
    internal static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }

    private static async Task<Results<Ok<Dictionary<string, object>>, ProblemHttpResult>> ImportAsync(string lenderId, HttpContext context, IGrainFactory grains, CollectionsMetrics metrics)
    {
        if (Ids.Invalid("lenderId", lenderId) is { } invalid)
        {
            return invalid;
        }

        // A lender's daily file can be hundreds of megabytes; it is streamed, never buffered.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var lines = ImportBodies.Read(context.Request, CsvRecordReader.AccountColumns, context.RequestAborted);
        if (lines is null)
        {
            return ImportBodies.UnsupportedMediaType(context);
        }

        var actor = context.User.Actor();
        var summary = await ImportPipeline.RunAsync(lines, AccountOutcomes, async line =>
        {
            var parsed = AccountRecordParser.Parse(line.Fields!);
            if (parsed.Record is not { } record || line.Error is not null)
            {
                return LineOutcome.Rejected(string.Join("; ", new[] { line.Error, parsed.ErrorText }.Where(e => !string.IsNullOrEmpty(e))));
            }

            var outcome = await grains.GetGrain<IAccountGrain>(AccountKey.For(lenderId, record.AccountRef)).UpsertAsync(record, actor);
            return LineOutcome.Counted(outcome.ToString().ToLowerInvariant());
        }, metrics.ImportRow, context.RequestAborted);

        return ImportBodies.Respond(summary);
    }

    private static async Task<Results<Created<AccountView>, Ok<AccountView>, ProblemHttpResult>> PutAsync(string lenderId, string accountRef, JsonElement body, HttpContext context, IGrainFactory grains)
    {
        if ((Ids.Invalid("lenderId", lenderId) ?? Ids.Invalid("accountRef", accountRef)) is { } invalid)
        {
            return invalid;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return Problems.BadRequest("The body must be one account record as a JSON object.");
        }

        var line = NdjsonReader.ParseObject(1, JsonSerializer.SerializeToUtf8Bytes(body));
        if (line.Fields is not { } fields || line.Error is not null)
        {
            return Problems.BadRequest(line.Error ?? "The body must be one account record as a JSON object.");
        }

        if (fields.TryGetValue("accountRef", out var bodyRef) && bodyRef is not null && bodyRef != accountRef)
        {
            return Problems.Invalid("accountRef", $"'{bodyRef}' differs from the URL's '{accountRef}'; leave it out or make them equal");
        }

        var parsed = AccountRecordParser.Parse(new Dictionary<string, string?>(fields) { ["accountRef"] = accountRef });
        if (parsed.Record is not { } record)
        {
            return Problems.Validation(parsed.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
        }

        var grain = grains.GetGrain<IAccountGrain>(AccountKey.For(lenderId, accountRef));
        var outcome = await grain.UpsertAsync(record, context.User.Actor());
        var view = await grain.GetViewAsync();
        return outcome == UpsertOutcome.Created
            ? TypedResults.Created($"/api/v1/lenders/{lenderId}/accounts/{accountRef}", view)
            : TypedResults.Ok(view);
    }

    internal static async Task<Results<Ok<AccountView>, ProblemHttpResult>> GetAsync([AsParameters] AccountTarget target) =>
        await target.Account.GetViewAsync() is { } view ? TypedResults.Ok(view) : target.Unknown();

    internal static async Task<Results<Ok<EventPageResponse>, ProblemHttpResult>> EventsAsync([AsParameters] AccountTarget target, long after = 0, int limit = 100)
    {
        if (Parse.Missing(
                ("after", after < 0, "must be 0 or a sequence number"),
                ("limit", limit is < 1 or > 1000, "must be from 1 to 1000")) is { } invalid)
        {
            return invalid;
        }

        if (await target.Account.GetEventsAsync(after, limit) is not { } page)
        {
            return target.Unknown();
        }

        var items = page.Items.Select(json => JsonSerializer.Deserialize<AuditEvent>(json, JsonSerializerOptions.Web)!).ToList();
        return TypedResults.Ok(new EventPageResponse(items, page.Next));
    }

    private static async Task<Results<Ok<AccountView>, ProblemHttpResult>> PayAsync([AsParameters] AccountTarget target, PaymentRequest request)
    {
        if (Parse.Missing(
                ("paymentId", string.IsNullOrWhiteSpace(request.PaymentId), "is required: the lender's unique id of this payment"),
                ("amount", request.Amount is null, "is required")) is { } missing)
        {
            return missing;
        }

        var result = await target.Account.PayAsync(request.PaymentId!, request.Amount!.Value, request.PaidAt, target.Actor);
        return target.Respond(result, TypedResults.Ok);
    }

    private static async Task<Results<Ok<AccountView>, ProblemHttpResult>> CloseAsync([AsParameters] AccountTarget target, CloseRequest request)
    {
        if (!Parse.Name<ClosedReason>(request.Reason, out var reason))
        {
            return Problems.Invalid("reason", "must be Recalled, WrittenOff or Sold");
        }

        return target.Respond(await target.Account.CloseAsync(reason, target.Actor), TypedResults.Ok);
    }
}
