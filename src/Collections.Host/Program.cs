using System.Text.Json.Serialization;
using Collections.Host.Api;
using Collections.Host.Auth;
using Collections.Host.Configuration;
using Collections.Host;
using Collections.Host.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using Orleans.Dashboard;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<Collections.Host.Configuration.ClusterOptions>().BindConfiguration(Collections.Host.Configuration.ClusterOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.AddBusinessClock().AddWakeRetry().AddCollectionsSilo();

builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
    options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
});
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ExceptionProblems>();
builder.Services.AddApiKeyAuth();
builder.Services.AddOpenApi();
builder.Services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("cluster", tags: ["ready"]);

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages(context => context.HttpContext.Response.StatusCode switch
{
    // Routing answers 415 before any endpoint runs; say what to send instead.
    StatusCodes.Status415UnsupportedMediaType => Problems.Write(context.HttpContext, StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
        $"Content-Type '{context.HttpContext.Request.ContentType}' is not accepted here. Imports take application/x-ndjson (one JSON object per line) or text/csv (header row first); other bodies are application/json. See /openapi/v1.json."),
    var status => Problems.Write(context.HttpContext, status, ReasonPhrases.GetReasonPhrase(status),
        $"{context.HttpContext.Request.Method} {context.HttpContext.Request.Path} answered {status}; see /openapi/v1.json for the API."),
});
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapScalarApiReference("/docs");
var dashboard = app.MapOrleansDashboard(routePrefix: "/dashboard");
if (!app.Environment.IsDevelopment())
{
    dashboard.RequireAuthorization(Policies.Admin);
}

app.MapSystemApi();
app.MapAdminApi();
app.MapStrategyApi();
app.MapAccountsApi();

if (app.Environment.IsDevelopment())
{
    // The development key is a published constant, not a secret, so printing it is fine.
    app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(
        $"Embedded default: admin API key '{ApiKeys.DevelopmentAdminKey}' (Development only); API docs at /docs, dashboard at /dashboard"));
}

app.Run();

/// <summary>Entry point; public so API tests can host it.</summary>
public partial class Program;
