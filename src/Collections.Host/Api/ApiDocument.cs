using Collections.Host.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Collections.Host.Api;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c> and the docs page at <c>/docs</c>: the X-Api-Key
/// scheme on every operation that needs a key, a description for every tag, and a docs page that shows
/// this API only.
/// </summary>
public static class ApiDocument
{
    public const string Title = "Collections.Orleans API";

    private const string ApiKeyScheme = "ApiKey";

    private const string Description =
        "Accounts, payments, negotiation, contacts, agencies and the audit trail of the collections engine. " +
        "Every operation but the business clock takes an API key in the X-Api-Key header (admin, lender or agency; a lender or agency key sees its own resources only, others answer 404). " +
        "JSON bodies are application/json; a field the operation does not know is refused with 400 naming it. Problems are RFC 9457 application/problem+json with a detail that says what to fix.";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["System"] = "The business clock.",
        ["Admin"] = "API keys: issue (shown once) and revoke; lenders issue their own collector, gateway and auditor keys. The account index's rebuild.",
        ["Strategy"] = "A lender's versioned strategy document: buckets, stages, contact rules, negotiation limits.",
        ["Accounts"] = "Import and upsert accounts, read an account and its audit trail, record payments, close.",
        ["Negotiation"] = "Promises to pay, payment plans and settlements, within the strategy's negotiation limits.",
        ["Disputes and holds"] = "What stops collection on one account, and lifting it again.",
        ["Legal"] = "Litigation steps and the evidence bundle a lawsuit is built on.",
        ["Contacts"] = "The contact policy's verdict, the lender's team's contacts, and results reported by channel gateways.",
        ["Portfolio"] = "A lender's figures by stage and bucket, pre-aggregated.",
        ["Search"] = "Finding a lender's accounts by filters, and the plans and settlements waiting for approval, from the account read model.",
        ["Payments"] = "The daily payment file of a high-volume lender.",
        ["Agencies"] = "Collection agencies: profiles, work lists, placed accounts, and each lender's view of them.",
        ["Teams"] = "A lender's collector teams and their work queues: the next account that may be called now, leased to one collector.",
        ["Events"] = "Events out: lender and agency webhooks (signed, at least once, in order per account), the lender's pull feed and recent deliveries.",
        ["Debtors"] = "One person's accounts at a lender (same customerId) and what belongs to the person: holds, today's contacts, wrong numbers.",
        ["Documents"] = "Documents on an account (contract, statements, letters, call recordings, court filings): uploaded as streams, immutable, proven by SHA-256.",
        ["Complaints"] = "Complaints about collection: intake, the response deadline the account watches, resolution, and the lender's lists by status.",
        ["Debtor's page"] = "The debtor's own page (/pay/{token}) and the same as JSON for lenders' apps: links issued and revoked by the lender's side; the knowledge check (the phone's last four digits, five wrong answers lock the link); what is owed and what the debtor may do alone — promise, plan, dispute, hardship, call-back, pay now — audited as debtor@{linkId}. No API key: the link's token and the check's session are the credentials; rate-limited per token and per address (429). See docs/portal.md.",
    };

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options => options
            .AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = Title;
                document.Info.Description = Description;

                // Relative, so the document is right behind any host name or proxy.
                document.Servers = [new OpenApiServer { Url = "/", Description = "This host" }];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeys.Header,
                    Description = "An admin, lender or agency key, issued by POST /api/v1/admin/api-keys (in Development the admin key is 'dev-admin').",
                };
                foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
                {
                    tag.Description = tag.Name is { } name ? TagDescriptions.GetValueOrDefault(name) : null;
                }

                return Task.CompletedTask;
            })
            .AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (!metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<IAllowAnonymous>().Any())
                {
                    // An empty requirement says "no key needed", so a public operation is not mistaken for one that forgot its scheme.
                    operation.Security = [new OpenApiSecurityRequirement()];
                    return Task.CompletedTask;
                }

                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] }];
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", Problem("No API key, or one that is not valid or has been revoked", context.Document));
                operation.Responses.TryAdd("403", Problem("The key's role may not perform this operation", context.Document));
                return Task.CompletedTask;
            }));

    /// <summary>A problem response, shaped like the ones the operations declare themselves.</summary>
    private static OpenApiResponse Problem(string description, OpenApiDocument? document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
        },
    };

    /// <summary>Maps the document and the docs page; the page shows this API, not its vendor's extras.</summary>
    public static void MapApiDocument(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", options => options
            .HideClientButton()
            .HideDeveloperTools()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .AddPreferredSecuritySchemes([ApiKeyScheme])
            .Title = Title);
    }
}
