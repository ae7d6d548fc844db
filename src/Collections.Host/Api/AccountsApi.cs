using System.Text.Json;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Grains.Telemetry;
using Collections.Host.Auth;
using Collections.Host.Import;
using Microsoft.AspNetCore.Http.Features;

namespace Collections.Host.Api;

public sealed record PaymentRequest(string? PaymentId, decimal? Amount, DateTimeOffset? PaidAt);

public sealed record CloseRequest(string? Reason);

/// <summary>A page of an account's audit trail; each item is <c>{"seq","at","type","actor","data"}</c>.</summary>
public sealed record EventPageResponse(IReadOnlyList<JsonElement> Items, long? Next);

/// <summary>Accounts of one lender: import, upsert, view, audit trail, payments, close.</summary>
public static class AccountsApi
{
    private static readonly string[] AccountOutcomes = ["created", "updated", "unchanged"];

    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/lenders/{lenderId}/accounts")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .AddEndpointFilter<LenderScopeFilter>()
            .WithTags("Accounts");

        group.MapPost("/import", ImportAsync)
            .Accepts<string>("application/x-ndjson", "text/csv")
            .Produces<Dictionary<string, object>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Import accounts (NDJSON or CSV, streamed); upsert by accountRef")
            .WithDescription("Each line is applied on its own: a bad line is rejected with its line number and reason, the others land. Re-sending the same file changes nothing (counted as unchanged).");
        group.MapPut("/{accountRef}", PutAsync).WithSummary("Create or update one account from a record");
        group.MapGet("/{accountRef}", GetAsync).Produces<AccountView>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("The account view");
        group.MapGet("/{accountRef}/events", EventsAsync).WithSummary("The complete audit trail, in order, paged by sequence number");
        group.MapPost("/{accountRef}/payments", PayAsync).WithSummary("Record a payment (idempotent by paymentId)");
        group.MapPost("/{accountRef}/close", CloseAsync).WithSummary("Close the account (Recalled, WrittenOff or Sold)");
        group.MapNegotiationApi();
        group.MapProtectionApi();
        group.MapLegalApi();
        group.MapContactsApi();
        return group;
    }

    private static async Task<IResult> ImportAsync(string lenderId, HttpContext context, IGrainFactory grains, CollectionsMetrics metrics)
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
            return ImportBodies.UnsupportedMediaType(context.Request.ContentType);
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

    private static async Task<IResult> PutAsync(string lenderId, string accountRef, JsonElement body, HttpContext context, IGrainFactory grains)
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
            return Problems.Validation(new Dictionary<string, string[]> { ["accountRef"] = [$"'{bodyRef}' differs from the URL's '{accountRef}'; leave it out or make them equal"] });
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

    private static async Task<IResult> GetAsync(string lenderId, string accountRef, IGrainFactory grains) =>
        AccountResults.Grain(grains, lenderId, accountRef) is { } account && await account.GetViewAsync() is { } view
            ? TypedResults.Ok(view)
            : AccountResults.UnknownAccount(lenderId, accountRef);

    private static async Task<IResult> EventsAsync(string lenderId, string accountRef, IGrainFactory grains, long after = 0, int limit = 100)
    {
        if (AccountResults.Missing(
                ("after", after < 0, "must be 0 or a sequence number"),
                ("limit", limit is < 1 or > 1000, "must be from 1 to 1000")) is { } invalid)
        {
            return invalid;
        }

        if (AccountResults.Grain(grains, lenderId, accountRef) is not { } account || await account.GetEventsAsync(after, limit) is not { } page)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        var items = page.Items.Select(json => JsonDocument.Parse(json).RootElement).ToList();
        return TypedResults.Ok(new EventPageResponse(items, page.Next));
    }

    private static async Task<IResult> PayAsync(string lenderId, string accountRef, PaymentRequest request, HttpContext context, IGrainFactory grains)
    {
        if (AccountResults.Missing(
                ("paymentId", string.IsNullOrWhiteSpace(request.PaymentId), "is required: the lender's unique id of this payment"),
                ("amount", request.Amount is null, "is required")) is { } missing)
        {
            return missing;
        }

        if (AccountResults.Grain(grains, lenderId, accountRef) is not { } account)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        var result = await account.PayAsync(request.PaymentId!, request.Amount!.Value, request.PaidAt, context.User.Actor());
        return AccountResults.Respond(result, lenderId, accountRef, TypedResults.Ok);
    }

    private static async Task<IResult> CloseAsync(string lenderId, string accountRef, CloseRequest request, HttpContext context, IGrainFactory grains)
    {
        if (!Enum.TryParse<ClosedReason>(request.Reason, ignoreCase: false, out var reason) || int.TryParse(request.Reason, out _))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["reason"] = ["must be Recalled, WrittenOff or Sold"] });
        }

        if (AccountResults.Grain(grains, lenderId, accountRef) is not { } account)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        return AccountResults.Respond(await account.CloseAsync(reason, context.User.Actor()), lenderId, accountRef, TypedResults.Ok);
    }
}
