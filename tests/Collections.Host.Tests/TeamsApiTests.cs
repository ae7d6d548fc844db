using System.Globalization;
using System.Net;
using System.Text.Json;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>
/// Teams and their work queue over real HTTP: a collector's loop (next → call → record → next), the team's
/// counts, validation and scope. The clock runs at real time here, so the debtors live in a fixed-offset
/// zone where it is midday now: inside the calling hours whatever the hour of the run.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class TeamsApiTests(HostFixture host)
{
    private const string Team = """{"name":"Early callers","stages":["Early"],"segments":[],"leaseMinutes":20}""";

    /// <summary>A zone where the local hour is 12 now: Etc/GMT-N is UTC+N.</summary>
    private static string MiddayZone()
    {
        var offset = 12 - DateTime.UtcNow.Hour;
        return offset switch
        {
            0 => "Etc/GMT",
            > 0 => $"Etc/GMT-{offset}",
            _ => $"Etc/GMT+{-offset}",
        };
    }

    private static string Record(string accountRef, decimal principal) =>
        $$"""{"accountRef":"{{accountRef}}","currency":"CNY","principal":{{principal.ToString(CultureInfo.InvariantCulture)}},"dueDate":"{{Records.DueDaysAgo(10)}}","borrowerName":"Test Borrower","phone":"+8613800138000","timezone":"{{MiddayZone()}}"}""";

    /// <summary>A fresh lender whose strategy sends no contacts by itself, with team T1 working Early.</summary>
    private async Task<string> LenderWithTeamAsync()
    {
        var lender = NewId("L");
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/strategy", Json("""{"contactPlan":[]}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/teams/T1", Json(Team))).StatusCode);
        return lender;
    }

    private async Task<string> AccountAsync(string lender, decimal principal)
    {
        var accountRef = NewId("A");
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(Record(accountRef, principal)))).StatusCode);
        return accountRef;
    }

    [Fact]
    public async Task A_team_put_with_problems_names_each_of_them_and_a_valid_one_is_answered_with_its_queue()
    {
        var lender = NewId("L");
        var url = $"/api/v1/lenders/{lender}/teams/T1";

        var problem = await (await host.Admin.PutAsync(url, Json("""{"name":" ","stages":["Early","Soon","Early"],"segments":["no spaces"],"leaseMinutes":0}""")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["leaseMinutes", "name", "segments[0]", "stages[1]", "stages[2]"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        await (await host.Admin.GetAsync(url)).ProblemAsync(HttpStatusCode.NotFound);
        await (await host.Admin.PutAsync(url, Json("""{"name":"x","stages":["Early"],"shift":"night"}"""))).ProblemAsync(HttpStatusCode.BadRequest);

        var put = await (await host.Admin.PutAsync(url, Json("""{"name":"Early callers","stages":["Early","Mid"]}"""))).JsonAsync();
        Assert.Equal("T1", put.GetProperty("teamId").GetString());
        Assert.Equal(["Early", "Mid"], put.GetProperty("stages").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(15, put.GetProperty("leaseMinutes").GetInt32());
        Assert.Equal(0, put.GetProperty("queued").GetInt64());
        Assert.Equal("Early callers", (await (await host.Admin.GetAsync(url)).JsonAsync()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_collectors_loop_gets_the_highest_balance_first_records_the_call_and_gets_the_next_until_none_is_left()
    {
        var lender = await LenderWithTeamAsync();
        var larger = await AccountAsync(lender, 5000m);
        var smaller = await AccountAsync(lender, 800m);
        var team = $"/api/v1/lenders/{lender}/teams/T1";

        var first = await (await host.Admin.PostAsync($"{team}/next", null)).JsonAsync();
        Assert.Equal(larger, first.GetProperty("accountRef").GetString());
        Assert.Equal(larger, first.GetProperty("account").GetProperty("accountRef").GetString());
        Assert.Contains("balance 5000.00 CNY", first.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var expires = first.GetProperty("leaseExpiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(19), TimeSpan.FromMinutes(21));

        var call = await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/{larger}/contacts", Json("""{"channel":"Call","outcome":"NoAnswer"}"""));
        Assert.Equal(HttpStatusCode.Created, call.StatusCode);

        var second = await (await host.Admin.PostAsync($"{team}/next", null)).JsonAsync();
        Assert.Equal(smaller, second.GetProperty("accountRef").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin.PostAsync($"{team}/next", null)).StatusCode);

        var counts = await (await host.Admin.GetAsync(team)).JsonAsync();
        Assert.Equal((2, 2), (counts.GetProperty("queued").GetInt64(), counts.GetProperty("leased").GetInt64()));

        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin.PostAsync($"{team}/leases/{larger}/release", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin.PostAsync($"{team}/leases/{larger}/release", null)).StatusCode);
        Assert.Equal(1, (await (await host.Admin.GetAsync(team)).JsonAsync()).GetProperty("leased").GetInt64());
        Assert.Equal(larger, (await (await host.Admin.PostAsync($"{team}/next", null)).JsonAsync()).GetProperty("accountRef").GetString());
    }

    [Fact]
    public async Task A_lender_key_sees_only_its_own_teams_and_an_unknown_team_answers_404()
    {
        var lender = await LenderWithTeamAsync();
        var other = await LenderWithTeamAsync();
        var (_, key) = await host.IssueKeyAsync(new { role = "lender", lenderId = lender });
        using var client = host.Client(key);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/lenders/{lender}/teams/T1")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/v1/lenders/{lender}/teams/T1/next", null)).StatusCode);
        await (await client.GetAsync($"/api/v1/lenders/{other}/teams/T1")).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsync($"/api/v1/lenders/{other}/teams/T1/next", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PutAsync($"/api/v1/lenders/{other}/teams/T1", Json(Team))).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsync($"/api/v1/lenders/{lender}/teams/T2/next", null)).ProblemAsync(HttpStatusCode.NotFound);
        await (await client.PostAsync($"/api/v1/lenders/{lender}/teams/T1/leases/A%20B/release", null)).ProblemAsync(HttpStatusCode.BadRequest);
    }
}
