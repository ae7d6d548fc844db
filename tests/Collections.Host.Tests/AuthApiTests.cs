using System.Net;
using System.Net.Http.Json;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

[Collection(HostCollection.Name)]
public sealed class AuthApiTests(HostFixture host)
{
    [Fact]
    public async Task A_request_without_a_key_or_with_an_unknown_key_gets_401()
    {
        var anonymous = await host.Client(null).GetAsync("/api/v1/lenders/L1/strategy");
        Assert.Contains("X-Api-Key", (await anonymous.ProblemAsync(HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());

        var unknown = await host.Client("ck_not-a-key").GetAsync("/api/v1/lenders/L1/strategy");
        await unknown.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_lender_key_sees_its_own_lender_only_and_another_lender_answers_404()
    {
        var mine = NewId("L");
        var other = NewId("L");
        var (_, key) = await host.IssueKeyAsync(new { role = "lender", lenderId = mine });
        var lender = host.Client(key);
        await host.Admin.PutAsync($"/api/v1/lenders/{other}/accounts/A-1",
            Json($$"""{"currency":"CNY","principal":1,"dueDate":"{{Records.DueDaysAgo(3)}}","borrowerName":"B"}"""));

        Assert.Equal(HttpStatusCode.Created, (await lender.PutAsync($"/api/v1/lenders/{mine}/accounts/A-1",
            Json($$"""{"currency":"CNY","principal":1,"dueDate":"{{Records.DueDaysAgo(3)}}","borrowerName":"B"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await lender.GetAsync($"/api/v1/lenders/{mine}/accounts/A-1")).StatusCode);

        await (await lender.GetAsync($"/api/v1/lenders/{other}/accounts/A-1")).ProblemAsync(HttpStatusCode.NotFound);
        await (await lender.GetAsync($"/api/v1/lenders/{other}/strategy")).ProblemAsync(HttpStatusCode.NotFound);
        await (await lender.PostAsync($"/api/v1/lenders/{other}/accounts/import", Ndjson(Records.Ndjson("X")))).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_known_key_on_an_operation_its_role_may_not_perform_gets_403()
    {
        var (_, lenderKey) = await host.IssueKeyAsync(new { role = "lender", lenderId = NewId("L") });
        var (_, agencyKey) = await host.IssueKeyAsync(new { role = "agency", agencyId = NewId("AG") });

        var asLender = await host.Client(lenderKey).PostAsJsonAsync("/api/v1/admin/api-keys", new { role = "admin" });
        await asLender.ProblemAsync(HttpStatusCode.Forbidden);
        var asAgency = await host.Client(agencyKey).GetAsync("/api/v1/lenders/L1/accounts/A-1");
        await asAgency.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once()
    {
        var lenderId = NewId("L");
        var (id, key) = await host.IssueKeyAsync(new { role = "lender", lenderId });
        var client = host.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/lenders/{lenderId}/strategy")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin.DeleteAsync($"/api/v1/admin/api-keys/{id}")).StatusCode);

        await (await client.GetAsync($"/api/v1/lenders/{lenderId}/strategy")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await host.Admin.DeleteAsync($"/api/v1/admin/api-keys/{id}")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Issuing_a_key_with_a_missing_or_misplaced_scope_lists_what_to_fix()
    {
        var missing = await host.Admin.PostAsJsonAsync("/api/v1/admin/api-keys", new { role = "lender" });
        Assert.True((await missing.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("lenderId", out _));

        var misplaced = await host.Admin.PostAsJsonAsync("/api/v1/admin/api-keys", new { role = "admin", agencyId = "A1" });
        Assert.True((await misplaced.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("agencyId", out _));

        var badRole = await host.Admin.PostAsJsonAsync("/api/v1/admin/api-keys", new { role = "root" });
        Assert.True((await badRole.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("role", out _));
    }
}
