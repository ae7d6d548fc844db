using System.Text.Json.Serialization;
using Collections.Host.Api;
using Collections.Host.Auth;
using Collections.Host.Configuration;
using Collections.Host.ConsoleUi;
using Collections.Host;
using Collections.Host.Hosting;
using Collections.Host.Portal;
using Microsoft.AspNetCore.WebUtilities;

// Configuration files are read once, at start. Reloading them on change puts a recursive file watcher on the
// content root, where the file-system document store keeps its files by default (./data/documents): every
// letter kept woke it, 4 % of a silo's CPU in a million-account import (BENCHMARKS.md). A later
// --hostBuilder:reloadConfigOnChange=true on the command line turns reloading back on.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);

builder.AddBusinessClock().AddWakeRetry().AddCollectionsOrleans().AddCollectionsTelemetry();

builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
    options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;

    // One rule for every JSON body: a field the operation does not know is refused (400 naming it), never ignored.
    options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
});
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ExceptionProblems>();
builder.Services.AddApiKeyAuth();
builder.Services.AddDashboardAuth();
builder.Services.AddConsole();
builder.Services.AddPortal();
builder.Services.AddApiDocument();
builder.Services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("cluster", tags: ["ready"]);

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages(context => context.HttpContext.Response.StatusCode switch
{
    // People in the console get a page, not a problem document.
    var status when context.HttpContext.Request.Path.StartsWithSegments(ConsoleSetup.Path) => ConsoleSetup.WriteStatusPageAsync(context.HttpContext, status),
    // Routing answers 415 before any endpoint runs; say what this operation takes instead.
    StatusCodes.Status415UnsupportedMediaType => Problems.Write(context.HttpContext, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
        RequestBodies.UnsupportedContentType(context.HttpContext)),
    var status => Problems.Write(context.HttpContext, status, ReasonPhrases.GetReasonPhrase(status),
        $"{context.HttpContext.Request.Method} {context.HttpContext.Request.Path} answered {status}; see /openapi/v1.json for the API."),
});
app.UsePortal();
app.UseAuthentication();
app.UseAuthorization();

app.MapApiDocument();
app.MapDashboard();
app.MapConsole();

app.MapSystemApi();
app.MapMetrics();
app.MapAdminApi();
app.MapStrategyApi();
app.MapAccountsApi();
app.MapPortfolioApi();
app.MapSearchApi();
app.MapDebtorsApi();
app.MapPaymentImportApi();
app.MapAgenciesApi();
app.MapTeamsApi();
app.MapEventsApi();
app.MapLenderComplaintsApi();
app.MapPortalApi();
app.MapPortalPage();

if (app.Environment.IsDevelopment())
{
    // The development key is a published constant, not a secret, so printing it is fine.
    app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(
        $"Embedded default: admin API key '{ApiKeys.DevelopmentAdminKey}' (Development only); console at /console, API docs at /docs, dashboard at /dashboard"));
}

try
{
    app.Run();
}
catch (Exception ex) when (StartupFailureException.Find(ex) is { } failure)
{
    // Already logged; repeated on stderr so that it is the last thing an operator sees.
    Console.Error.WriteLine($"Collections.Host cannot start: {failure.Message}");
    return 1;
}
catch (Exception ex) when (StartupFailureException.ConfigurationErrors(ex) is { Count: > 0 } errors)
{
    Console.Error.WriteLine($"Collections.Host cannot start; fix the configuration: {string.Join(" ", errors)}");
    return 1;
}

return 0;

/// <summary>Entry point; public so API tests can host it.</summary>
public partial class Program;
