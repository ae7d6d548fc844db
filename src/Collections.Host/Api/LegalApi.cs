using System.Reflection;
using System.Text.Json;
using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Grains.Time;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Collections.Host.Api;

public sealed record LitigationRequest(string? Step, DateOnly? On, string? CaseReference, string? Note);

/// <summary>One audit event in the evidence bundle, under its heading.</summary>
public sealed record EvidenceEntry(long Seq, DateTimeOffset At, string Type, EvidenceCategory Category, string Actor, JsonElement Data);

/// <summary>
/// The legal evidence bundle (the shape <c>GET …/evidence</c> streams): the account as of
/// <see cref="AsOfSeq"/>, and every event of its audit trail up to it in time order, each under its
/// heading, with the number of entries per heading.
/// </summary>
public sealed record EvidenceBundle(
    string LenderId,
    string AccountRef,
    DateTimeOffset GeneratedAt,
    long AsOfSeq,
    AccountView Account,
    IReadOnlyList<EvidenceEntry> Entries,
    IReadOnlyDictionary<EvidenceCategory, int> Counts);

/// <summary>The Legal stage: litigation steps and the evidence bundle a lawsuit is built on.</summary>
public static class LegalApi
{
    public static RouteGroupBuilder MapLegalApi(this RouteGroupBuilder account)
    {
        var legal = account.MapGroup("").WithTags("Legal");
        legal.MapPost("/litigation", LitigationAsync)
            .WithName("RecordLitigationStep")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Record a litigation step: Filed, Hearing, Judgment or Enforcement")
            .WithDescription(
                "Body: {\"step\":\"Filed\"|\"Hearing\"|\"Judgment\"|\"Enforcement\",\"on\":\"yyyy-MM-dd\" (default today, never in the future or before the previous step)," +
                "\"caseReference\":\"court case number\",\"note\":\"…\"}. Steps are recorded from the Legal stage on (ChargedOff included): the case is Filed once, " +
                "Hearings follow the filing, the Judgment is recorded once, Enforcement only after it. 201 with the account (litigation shows the case); " +
                "400 bad input; 409 when the account is closed, not yet in Legal, the step is out of order, or a dispute or a hold stops litigation.");
        legal.MapGet("/evidence", EvidenceAsync)
            .WithName("GetEvidenceBundle")
            .RequireAuthorization(Policies.AccountReader)
            .ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("The legal evidence bundle: the account and its whole audit trail in time order")
            .WithDescription("Every payment, notice, contact attempt (sent or suppressed, with the rule), dispute, promise, plan, settlement, hold, placement and litigation step, in sequence order, each under its category. Streamed page by page from the event store, so accounts with thousands of events are complete.");
        return account;
    }

    private static async Task<Results<Created<AccountView>, ProblemHttpResult>> LitigationAsync([AsParameters] AccountTarget target, LitigationRequest request) =>
        Parse.Name<LitigationStep>(request.Step, out var step)
            ? target.Respond(
                await target.Account.RecordLitigationStepAsync(step, request.On, request.CaseReference, request.Note, target.Actor),
                view => TypedResults.Created(target.Location, view))
            : Problems.Invalid("step", $"must be one of {Parse.Names<LitigationStep>()}");

    private static async Task<Results<EvidenceBundleResult, ProblemHttpResult>> EvidenceAsync([AsParameters] AccountTarget target, BusinessClock clock) =>
        await target.Account.GetViewAsync() is { } view
            ? new EvidenceBundleResult(target.Account, view, clock.Now)
            : target.Unknown();

    /// <summary>
    /// Streams the bundle: the account, then the audit trail read a page at a time and flushed after each
    /// page, so neither the silo nor this process ever holds a whole long history.
    /// </summary>
    private sealed class EvidenceBundleResult(IAccountGrain account, AccountView view, DateTimeOffset generatedAt) : IResult, IEndpointMetadataProvider
    {
        /// <summary>Declares the streamed body's shape, so OpenAPI describes it as the bundle it is.</summary>
        public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(EvidenceBundle), ["application/json"]));

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var json = httpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            var aborted = httpContext.RequestAborted;
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = "application/json; charset=utf-8";

            // Written into the response pipe, which the writer only fills; sending happens on FlushAsync.
            var body = httpContext.Response.BodyWriter;
            using var writer = new Utf8JsonWriter(body);
            writer.WriteStartObject();
            writer.WriteString("lenderId", view.LenderId);
            writer.WriteString("accountRef", view.AccountRef);
            writer.WriteString("generatedAt", generatedAt);
            writer.WriteNumber("asOfSeq", view.EventCount);
            writer.WritePropertyName("account");
            JsonSerializer.Serialize(writer, view, json);

            var counts = new SortedDictionary<EvidenceCategory, int>();
            var written = 0;
            writer.WriteStartArray("entries");
            await foreach (var stored in account.ReadAllAsync(view.EventCount, aborted))
            {
                using var e = JsonDocument.Parse(stored);
                var root = e.RootElement;
                var type = root.GetProperty("type").GetString() ?? "";
                var category = Evidence.CategoryOf(type);
                counts[category] = counts.GetValueOrDefault(category) + 1;

                writer.WriteStartObject();
                writer.WriteNumber("seq", root.GetProperty("seq").GetInt64());
                writer.WritePropertyName("at");
                root.GetProperty("at").WriteTo(writer);
                writer.WriteString("type", type);
                writer.WriteString("category", category.ToString());
                writer.WritePropertyName("actor");
                root.GetProperty("actor").WriteTo(writer);
                writer.WritePropertyName("data");
                root.GetProperty("data").WriteTo(writer);
                writer.WriteEndObject();

                if (++written % AccountHistory.PageSize == 0)
                {
                    writer.Flush();
                    await body.FlushAsync(aborted);
                }
            }

            writer.WriteEndArray();
            writer.WriteStartObject("counts");
            foreach (var (category, count) in counts)
            {
                writer.WriteNumber(category.ToString(), count);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
            await body.FlushAsync(aborted);
        }
    }
}
