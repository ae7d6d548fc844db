using System.Globalization;
using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Grains.Telemetry;
using Collections.Host.Auth;
using Collections.Host.Import;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

/// <summary>
/// The daily payment file of a high-volume lender: NDJSON or CSV of accountRef, paymentId, amount,
/// paidAt, streamed and idempotent by paymentId. A payment for an unknown account is a rejected line
/// (named, so it can be re-sent once the account exists), never a silently lost payment.
/// </summary>
public static class PaymentImportApi
{
    private static readonly string[] Columns = ["accountRef", "paymentId", "amount", "paidAt"];
    private static readonly string[] Outcomes = ["applied", "duplicate"];

    public static RouteGroupBuilder MapPaymentImportApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/lenders/{lenderId}/payments")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .AddEndpointFilter<LenderScopeFilter>()
            .WithTags("Payments");
        group.MapPost("/import", ImportAsync)
            .WithName("ImportPayments")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status415UnsupportedMediaType)
            .Accepts<string>("application/x-ndjson", "text/csv")
            .WithSummary("Import payments (NDJSON or CSV of accountRef, paymentId, amount, paidAt), idempotent by paymentId");
        return group;
    }

    private static async Task<Results<Ok<Dictionary<string, object>>, ProblemHttpResult>> ImportAsync(string lenderId, HttpContext context, IGrainFactory grains, CollectionsMetrics metrics)
    {
        if (Ids.Invalid("lenderId", lenderId) is { } invalid)
        {
            return invalid;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var lines = ImportBodies.Read(context.Request, Columns, context.RequestAborted);
        if (lines is null)
        {
            return ImportBodies.UnsupportedMediaType(context);
        }

        var actor = context.User.Actor();
        var summary = await ImportPipeline.RunAsync(lines, Outcomes, async line =>
        {
            var (payment, problems) = Parse(line);
            if (payment is not { } p)
            {
                return LineOutcome.Rejected(problems);
            }

            var result = await grains.GetGrain<IAccountGrain>(AccountKey.For(lenderId, p.AccountRef)).PayAsync(p.PaymentId, p.Amount, p.PaidAt, actor);
            return result switch
            {
                { RejectionKind: not null } => LineOutcome.Rejected(result.Error ?? "the payment was refused"),
                { View: null } => LineOutcome.Rejected($"lender '{lenderId}' has no account '{p.AccountRef}'; the payment was not recorded: import the account, then send this line again"),
                { Recorded: 0 } => LineOutcome.Counted("duplicate"),
                _ => LineOutcome.Counted("applied"),
            };
        }, metrics.ImportRow, context.RequestAborted);

        return ImportBodies.Respond(summary);
    }

    private sealed record PaymentLine(string AccountRef, string PaymentId, decimal Amount, DateTimeOffset PaidAt);

    private static (PaymentLine? Payment, string Problems) Parse(ImportLine line)
    {
        var problems = new List<string>();
        if (line.Error is not null)
        {
            problems.Add(line.Error);
        }

        foreach (var unknown in line.Fields!.Keys.Where(k => !Columns.Contains(k)))
        {
            problems.Add($"{unknown}: unknown field; the fields are {string.Join(", ", Columns)}");
        }

        var accountRef = line.Field("accountRef");
        if (accountRef is null || !AccountRecordParser.IsValidAccountRef(accountRef))
        {
            problems.Add("accountRef: is required (1–64 characters of A–Z a–z 0–9 . _ : -)");
        }

        var paymentId = line.Field("paymentId");
        if (string.IsNullOrWhiteSpace(paymentId) || paymentId.Length > 128)
        {
            problems.Add("paymentId: is required (the lender's unique id of the payment, at most 128 characters)");
        }

        decimal amount = 0;
        if (!decimal.TryParse(line.Field("amount"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount) || amount <= 0)
        {
            problems.Add("amount: must be a number greater than 0, like 100.00");
        }

        DateTimeOffset paidAt = default;
        if (!DateTimeOffset.TryParse(line.Field("paidAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out paidAt))
        {
            problems.Add("paidAt: must be an ISO 8601 instant, like 2026-11-20T10:15:00Z");
        }

        return problems.Count > 0
            ? (null, string.Join("; ", problems))
            : (new PaymentLine(accountRef!, paymentId!, amount, paidAt), string.Empty);
    }
}
