using System.Net;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

[Collection(HostCollection.Name)]
public sealed class OperationsApiTests(HostFixture host)
{
    [Fact]
    public async Task The_openapi_document_describes_the_api_and_the_docs_page_is_served()
    {
        var anonymous = host.Client(null);
        var document = await (await anonymous.GetAsync("/openapi/v1.json")).JsonAsync();
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/lenders/{lenderId}/accounts/import", paths);
        Assert.Contains("/api/v1/lenders/{lenderId}/accounts/{accountRef}/events", paths);
        Assert.Contains("/api/v1/admin/api-keys", paths);

        var docs = await anonymous.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("text/html", docs.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_dashboard_is_served_in_development()
    {
        var dashboard = await host.Client(null).GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("<html", await dashboard.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Health_endpoints_answer_without_a_key()
    {
        var client = host.Client(null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task The_clock_reports_business_time_and_speed()
    {
        var clock = await (await host.Client(null).GetAsync("/api/v1/clock")).JsonAsync();
        Assert.Equal(1, clock.GetProperty("speed").GetDouble());
        Assert.InRange(clock.GetProperty("now").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task A_strategy_put_makes_a_new_version_and_an_invalid_one_lists_every_problem()
    {
        var lender = NewId("L");
        var url = $"/api/v1/lenders/{lender}/strategy";
        Assert.Equal(1, (await (await host.Admin.GetAsync(url)).JsonAsync()).GetProperty("version").GetInt32());

        var invalid = await host.Admin.PutAsync(url, Json("""{"stages":{"Notice":5,"Early":3},"compliance":{"profile":"EU"}}"""));
        var errors = (await invalid.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("stages.Early", out _));
        Assert.True(errors.TryGetProperty("compliance.profile", out _));

        var saved = await (await host.Admin.PutAsync(url, Json("""{"name":"fast","stages":{"Mid":20}}"""))).JsonAsync();
        Assert.Equal(2, saved.GetProperty("version").GetInt32());
        Assert.Equal(20, saved.GetProperty("stages").GetProperty("Mid").GetInt32());
        Assert.Equal(91, saved.GetProperty("stages").GetProperty("Legal").GetInt32());
        Assert.Equal("fast", (await (await host.Admin.GetAsync(url)).JsonAsync()).GetProperty("name").GetString());
    }
}
