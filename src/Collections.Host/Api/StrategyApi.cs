using System.Text.Json.Nodes;
using Collections.Contracts;
using Collections.Domain.Strategies;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

/// <summary>A lender's versioned strategy document.</summary>
public static class StrategyApi
{
    public static RouteGroupBuilder MapStrategyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/lenders/{lenderId}/strategy")
            .RequireAuthorization(Policies.LenderScoped)
            .AddEndpointFilter<LenderScopeFilter>()
            .WithTags("Strategy");
        group.MapGet("/", GetAsync).WithName("GetStrategy").RequireAuthorization(Policies.LenderReader).ProducesProblems(StatusCodes.Status400BadRequest).WithSummary("The current strategy (version 1 is the default until the lender sends one)");
        group.MapPut("/", PutAsync)
            .WithName("PutStrategy")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .Accepts<JsonObject>("application/json")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Send a strategy document; each PUT makes a new version")
            .WithDescription("Sections and fields left out take the default strategy's values. An invalid document gets 400 with every problem listed by JSON path.");
        return group;
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> GetAsync(string lenderId, IGrainFactory grains)
    {
        if (Ids.Invalid("lenderId", lenderId) is { } invalid)
        {
            return invalid;
        }

        var current = await grains.GetGrain<ILenderGrain>(lenderId).GetStrategyAsync(null);
        return TypedResults.Ok(Describe(current!));
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> PutAsync(string lenderId, HttpRequest request, IGrainFactory grains)
    {
        if (Ids.Invalid("lenderId", lenderId) is { } invalid)
        {
            return invalid;
        }

        // The document is read as text (to list every problem by JSON path), so its media type is checked here.
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(RequestBodies.UnsupportedContentType(request.HttpContext), statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Problems.BadRequest($"The body is empty. {RequestBodies.Expected(request.HttpContext)}");
        }

        if (text.Length > 256 * 1024)
        {
            return Problems.BadRequest("A strategy document is at most 256 KiB.");
        }

        var parsed = StrategyDocument.Parse(text);
        if (!parsed.IsValid)
        {
            return Problems.Validation(parsed.Errors, "The strategy document is not valid; every problem is listed in errors by JSON path.");
        }

        var created = await grains.GetGrain<ILenderGrain>(lenderId).PutStrategyAsync(parsed.NormalizedJson!);
        return TypedResults.Ok(Describe(created));
    }

    /// <summary><c>{"version":n,"createdAt":…,…the document}</c>.</summary>
    private static JsonObject Describe(StrategyVersion version)
    {
        var body = new JsonObject { ["version"] = version.Version, ["createdAt"] = version.CreatedAt };
        foreach (var (key, value) in JsonNode.Parse(version.Document)!.AsObject().ToList())
        {
            body[key] = value?.DeepClone();
        }

        return body;
    }
}
