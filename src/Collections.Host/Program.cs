using System.Text.Json.Serialization;
using Collections.Host.Api;
using Collections.Host.Auth;
using Collections.Host.Configuration;
using Collections.Host.Hosting;
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
app.UseStatusCodePages();
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
