using System.Globalization;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Grains.Telemetry;
using Collections.Host.Import;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

/// <summary>
/// An agency's day of work as files: its activities (idempotent by activityId) and the payments it
/// collected (idempotent by paymentId), NDJSON or CSV, streamed like the lenders' imports and answered
/// with the same summary. Every line names its lenderId and accountRef; a line for an account not
/// placed with the agency now is rejected with the same words as the single call's 404.
/// </summary>
public static class AgencyImportApi
{
    private static readonly string[] ActivityColumns = ["lenderId", "accountRef", "activityId", "channel", "outcome", "at", "promiseAmount", "promiseDueDate"];
    private static readonly string[] PaymentColumns = ["lenderId", "accountRef", "paymentId", "amount", "paidAt"];
    private static readonly string[] ActivityOutcomes = ["recorded", "duplicate"];
    private static readonly string[] PaymentOutcomes = ["applied", "duplicate"];

    public static RouteGroupBuilder MapAgencyImportApi(this RouteGroupBuilder agency)
    {
        agency.MapPost("/activities/import", ActivitiesAsync)
            .WithName("ImportAgencyActivities")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status415UnsupportedMediaType)
            .Accepts<string>("application/x-ndjson", "text/csv")
            .WithSummary("Import the agency's activities (NDJSON or CSV of lenderId, accountRef, activityId, channel, outcome, at, promiseAmount, promiseDueDate), idempotent by activityId")
            .WithDescription("Each line is checked like POST …/activities: a contact that broke a rule is recorded as a violation and is a rejected line naming the rule.");
        agency.MapPost("/payments/import", PaymentsAsync)
            .WithName("ImportAgencyPayments")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status415UnsupportedMediaType)
            .Accepts<string>("application/x-ndjson", "text/csv")
            .WithSummary("Import the payments the agency collected (NDJSON or CSV of lenderId, accountRef, paymentId, amount, paidAt), idempotent by paymentId");
        return agency;
    }

    private static Task<Results<Ok<Dictionary<string, object>>, ProblemHttpResult>> ActivitiesAsync(string agencyId, HttpContext context, IGrainFactory grains, CollectionsMetrics metrics) =>
        ImportAsync(agencyId, context, ActivityColumns, ActivityOutcomes, metrics, async (line, placed) =>
        {
            var (contact, problems) = ParseActivity(line);
            if (contact is null)
            {
                return LineOutcome.Rejected(problems);
            }

            var result = await placed.RecordAgencyContactAsync(agencyId, contact, AccountLifecycle.AgencyActor(agencyId));
            return result switch
            {
                { Rule: not null } => LineOutcome.Rejected(result.Error ?? "the contact broke a rule; it is recorded as a violation"),
                { RejectionKind: RejectionKind.NotFound } => NotPlaced(agencyId, line),
                { RejectionKind: not null } => LineOutcome.Rejected(result.Error ?? "the activity was refused"),
                { Recorded: false } => LineOutcome.Counted("duplicate"),
                _ => LineOutcome.Counted("recorded"),
            };
        }, grains);

    private static Task<Results<Ok<Dictionary<string, object>>, ProblemHttpResult>> PaymentsAsync(string agencyId, HttpContext context, IGrainFactory grains, CollectionsMetrics metrics) =>
        ImportAsync(agencyId, context, PaymentColumns, PaymentOutcomes, metrics, async (line, placed) =>
        {
            var (payment, problems) = ParsePayment(line);
            if (payment is not { } p)
            {
                return LineOutcome.Rejected(problems);
            }

            var result = await placed.PayThroughAgencyAsync(agencyId, p.PaymentId, p.Amount, p.PaidAt, AccountLifecycle.AgencyActor(agencyId));
            return result switch
            {
                { RejectionKind: RejectionKind.NotFound } => NotPlaced(agencyId, line),
                { RejectionKind: not null } => LineOutcome.Rejected(result.Error ?? "the payment was refused"),
                { Recorded: false } => LineOutcome.Counted("duplicate"),
                _ => LineOutcome.Counted("applied"),
            };
        }, grains);

    /// <summary>Streams the body through the shared import pipeline; each line goes to the placed account it names.</summary>
    private static async Task<Results<Ok<Dictionary<string, object>>, ProblemHttpResult>> ImportAsync(
        string agencyId,
        HttpContext context,
        string[] columns,
        string[] outcomes,
        CollectionsMetrics metrics,
        Func<ImportLine, IAccountPlacementGrain, Task<LineOutcome>> apply,
        IGrainFactory grains)
    {
        if (Ids.Invalid("agencyId", agencyId) is { } invalid)
        {
            return invalid;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var lines = ImportBodies.Read(context.Request, columns, context.RequestAborted);
        if (lines is null)
        {
            return ImportBodies.UnsupportedMediaType(context);
        }

        var summary = await ImportPipeline.RunAsync(lines, outcomes, line =>
        {
            var problems = new List<string>();
            if (line.Error is not null)
            {
                problems.Add(line.Error);
            }

            problems.AddRange(line.Fields!.Keys.Where(k => !columns.Contains(k)).Select(k => $"{k}: unknown field; the fields are {string.Join(", ", columns)}"));
            var lenderId = line.Field("lenderId");
            var accountRef = line.Field("accountRef");
            if (lenderId is null || !Ids.Valid(lenderId))
            {
                problems.Add("lenderId: is required (the lender whose account this is)");
            }

            if (accountRef is null || !AccountRecordParser.IsValidAccountRef(accountRef))
            {
                problems.Add("accountRef: is required (1–64 characters of A–Z a–z 0–9 . _ : -)");
            }

            return problems.Count > 0
                ? Task.FromResult(LineOutcome.Rejected(string.Join("; ", problems)))
                : apply(line, grains.GetGrain<IAccountPlacementGrain>(AccountKey.For(lenderId!, accountRef!)));
        }, metrics.ImportRow, context.RequestAborted);

        return ImportBodies.Respond(summary);
    }

    private static LineOutcome NotPlaced(string agencyId, ImportLine line) =>
        LineOutcome.Rejected($"agency '{agencyId}' has no current placement '{line.Field("lenderId")}/{line.Field("accountRef")}'");

    private static (AgencyContact? Contact, string Problems) ParseActivity(ImportLine line)
    {
        var problems = new List<string>();
        var activityId = line.Field("activityId");
        if (string.IsNullOrWhiteSpace(activityId) || activityId.Length > 128)
        {
            problems.Add("activityId: is required (the agency's unique id of the activity, at most 128 characters)");
        }

        if (!Parse.Name<ContactChannel>(line.Field("channel"), out var channel))
        {
            problems.Add($"channel: must be one of {Parse.Names<ContactChannel>()}");
        }

        if (!Parse.Name<ContactOutcome>(line.Field("outcome"), out var outcome))
        {
            problems.Add($"outcome: must be one of {Parse.Names<ContactOutcome>()}");
        }

        DateTimeOffset at = default;
        if (!DateTimeOffset.TryParse(line.Field("at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at))
        {
            problems.Add("at: must be an ISO 8601 instant, like 2026-11-20T10:15:00Z");
        }

        var (amountText, dueText) = (line.Field("promiseAmount"), line.Field("promiseDueDate"));
        decimal? amount = null;
        DateOnly? due = null;
        if (!string.IsNullOrEmpty(amountText) || !string.IsNullOrEmpty(dueText))
        {
            if (decimal.TryParse(amountText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var a) && a > 0
                && DateOnly.TryParseExact(dueText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                (amount, due) = (a, d);
            }
            else
            {
                problems.Add("promiseAmount, promiseDueDate: a promise needs both, an amount greater than 0 and a date (yyyy-MM-dd)");
            }
        }

        if (amount is not null && outcome != ContactOutcome.PromiseToPay)
        {
            problems.Add("promiseAmount: a promise is recorded with outcome PromiseToPay");
        }

        return problems.Count > 0
            ? (null, string.Join("; ", problems))
            : (new AgencyContact(channel, outcome, at, amount, due, activityId), string.Empty);
    }

    private sealed record PaymentLine(string PaymentId, decimal Amount, DateTimeOffset PaidAt);

    private static (PaymentLine? Payment, string Problems) ParsePayment(ImportLine line)
    {
        var problems = new List<string>();
        var paymentId = line.Field("paymentId");
        if (string.IsNullOrWhiteSpace(paymentId) || paymentId.Length > 128)
        {
            problems.Add("paymentId: is required (the agency's unique id of the payment, at most 128 characters)");
        }

        if (!decimal.TryParse(line.Field("amount"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            problems.Add("amount: must be a number greater than 0, like 100.00");
        }

        if (!DateTimeOffset.TryParse(line.Field("paidAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var paidAt))
        {
            problems.Add("paidAt: must be an ISO 8601 instant, like 2026-11-20T10:15:00Z");
        }

        return problems.Count > 0 ? (null, string.Join("; ", problems)) : (new PaymentLine(paymentId!, amount, paidAt), string.Empty);
    }
}
