using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;
using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Grains.Time;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Collections.Host.Api;

public sealed record LitigationRequest(string? Step, DateOnly? On, string? CaseReference, string? Note);

/// <summary>One audit event in the evidence bundle, under its heading.</summary>
public sealed record EvidenceEntry(long Seq, DateTimeOffset At, string Type, EvidenceCategory Category, string Actor, JsonElement Data);

/// <summary>
/// The legal evidence bundle (the shape <c>GET …/evidence</c> streams): the account as of
/// <see cref="AsOfSeq"/>, its documents with their SHA-256, and every event of its audit trail up to it
/// in time order, each under its heading, with the number of entries per heading.
/// </summary>
public sealed record EvidenceBundle(
    string LenderId,
    string AccountRef,
    DateTimeOffset GeneratedAt,
    long AsOfSeq,
    AccountView Account,
    IReadOnlyList<DocumentResponse> Documents,
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
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The legal evidence bundle: the account, its documents and its whole audit trail in time order; format=zip adds every document and a manifest")
            .WithDescription("format=zip: a zip of bundle.json, documents/{documentId}-{name} and manifest.sha256 (the SHA-256 of every other file, as sha256sum -c reads it); the export is audited as EvidenceExported. Every payment, notice, contact attempt (sent or suppressed, with the rule), dispute, promise, plan, settlement, hold, placement and litigation step, in sequence order, each under its category. Streamed page by page from the event store, so accounts with thousands of events are complete.");
        return account;
    }

    private static async Task<Results<Created<AccountView>, ProblemHttpResult>> LitigationAsync([AsParameters] AccountTarget target, LitigationRequest request) =>
        Parse.Name<LitigationStep>(request.Step, out var step)
            ? target.Respond(
                await target.Account.RecordLitigationStepAsync(step, request.On, request.CaseReference, request.Note, target.Actor),
                view => TypedResults.Created(target.Location, view))
            : Problems.Invalid("step", $"must be one of {Parse.Names<LitigationStep>()}");

    private static async Task<Results<EvidenceBundleResult, EvidenceZipResult, ProblemHttpResult>> EvidenceAsync(
        [AsParameters] AccountTarget target, BusinessClock clock, string? format = null)
    {
        if (format is not (null or "json" or "zip"))
        {
            return Problems.Invalid("format", "must be json (the default) or zip (the bundle, every document and a manifest of SHA-256 hashes)");
        }

        var records = target.Grains.GetGrain<IAccountRecordsGrain>(AccountKey.For(target.LenderId, target.AccountRef));
        if (await target.Account.GetViewAsync() is not { } view || await records.GetDocumentsAsync(null) is not { } documents)
        {
            return target.Unknown();
        }

        if (format != "zip")
        {
            return new EvidenceBundleResult(target.Account, view, documents, clock.Now);
        }

        // The export is evidence too: recorded before a byte is sent, as of the bundle it sends.
        var recorded = await records.RecordEvidenceExportAsync(view.EventCount, documents.Length, "zip", target.Actor);
        return recorded.RejectionKind is { } kind
            ? Problems.Rejected(kind, recorded.Error ?? kind.ToString())
            : new EvidenceZipResult(target.Account, view, documents, clock.Now);
    }

    /// <summary>Streams the bundle as JSON (see <see cref="EvidenceBundleWriter"/>).</summary>
    private sealed class EvidenceBundleResult(IAccountGrain account, AccountView view, ImmutableArray<DocumentView> documents, DateTimeOffset generatedAt)
        : IResult, IEndpointMetadataProvider
    {
        /// <summary>Declares the streamed body's shapes, so OpenAPI describes the bundle and its zip.</summary>
        public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(EvidenceBundle), ["application/json", "application/zip"]));
        }

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var aborted = httpContext.RequestAborted;
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = "application/json; charset=utf-8";

            // Written into the response pipe, which the writer only fills; sending happens on FlushAsync.
            var body = httpContext.Response.BodyWriter;
            using var writer = new Utf8JsonWriter(body);
            await EvidenceBundleWriter.WriteAsync(writer, async () =>
            {
                writer.Flush();
                await body.FlushAsync(aborted);
            }, account, view, documents, generatedAt, EvidenceBundleWriter.JsonOptions(httpContext), aborted);
        }
    }
}
