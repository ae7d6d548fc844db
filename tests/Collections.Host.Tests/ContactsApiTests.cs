using System.Globalization;
using System.Net;
using System.Text.Json;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>
/// contact-permission, the lender's team's contacts and the gateway's results over real HTTP. The clock
/// runs at real time, so each case is one whose verdict does not depend on the hour: letters (no time
/// window), a lender holiday today, cease-communication and a dispute.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class ContactsApiTests(HostFixture host)
{
    private static string Today => DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A fresh Early account (UTC debtor) of a fresh lender, optionally under a strategy document; returns its URL.</summary>
    private async Task<string> AccountAsync(string? strategy = null)
    {
        var lender = NewId("L");
        if (strategy is not null)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/strategy", Json(strategy))).StatusCode);
        }

        var accountRef = NewId("A");
        var url = $"/api/v1/lenders/{lender}/accounts/{accountRef}";
        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PutAsync(url, Json(Records.Ndjson(accountRef, daysPastDue: 10)))).StatusCode);
        return url;
    }

    private async Task<List<JsonElement>> EventsAsync(string account) =>
        [.. (await (await host.Admin.GetAsync($"{account}/events?limit=1000")).JsonAsync()).GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task Contact_permission_answers_allowed_or_the_rule_with_the_next_allowed_moment_and_400_or_404_otherwise()
    {
        var account = await AccountAsync();
        var letter = await (await host.Admin.GetAsync($"{account}/contact-permission?channel=Letter")).JsonAsync();
        Assert.True(letter.GetProperty("allowed").GetBoolean());
        Assert.Equal("allowed", letter.GetProperty("rule").GetString());

        var holiday = await AccountAsync($$$"""{"compliance":{"profile":"US","holidays":["{{{Today}}}"]}}""");
        var refused = await (await host.Admin.GetAsync($"{holiday}/contact-permission?channel=Call")).JsonAsync();
        Assert.False(refused.GetProperty("allowed").GetBoolean());
        Assert.Equal("holiday", refused.GetProperty("rule").GetString());
        var tomorrowAt8 = new DateTimeOffset(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1).ToDateTime(new TimeOnly(8, 0)), TimeSpan.Zero);
        Assert.Equal(tomorrowAt8, refused.GetProperty("nextAllowedAt").GetDateTimeOffset());

        await (await host.Admin.GetAsync($"{account}/contact-permission")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await host.Admin.GetAsync($"{account}/contact-permission?channel=Fax")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await host.Admin.GetAsync($"{account}-unknown/contact-permission?channel=Sms")).ProblemAsync(HttpStatusCode.NotFound);
        var otherLender = await host.Client((await host.IssueKeyAsync(new { role = "lender", lenderId = NewId("L") })).Key)
            .GetAsync($"{account}/contact-permission?channel=Sms");
        await otherLender.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_team_contact_is_201_and_audited_and_one_that_breaks_a_rule_is_409_naming_it_and_recorded_as_a_violation()
    {
        var account = await AccountAsync();
        var created = await host.Admin.PostAsync($"{account}/contacts", Json("""{"channel":"Letter","outcome":"NoAnswer"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        Assert.Equal("allowed", body.GetProperty("rule").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("violation").ValueKind);
        var recorded = Assert.Single(await EventsAsync(account), e => e.GetProperty("type").GetString() == "ContactRecorded");
        Assert.Equal(recorded.GetProperty("seq").GetInt64(), body.GetProperty("contactId").GetInt64());
        Assert.Equal(("Letter", "NoAnswer"), (recorded.GetProperty("data").GetProperty("channel").GetString(), recorded.GetProperty("data").GetProperty("outcome").GetString()));

        var invalid = await (await host.Admin.PostAsync($"{account}/contacts", Json("""{"channel":"Pigeon","outcome":"Maybe"}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(invalid.GetProperty("errors").TryGetProperty("channel", out _));
        Assert.True(invalid.GetProperty("errors").TryGetProperty("outcome", out _));
        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("O", CultureInfo.InvariantCulture);
        await (await host.Admin.PostAsync($"{account}/contacts", Json($$"""{"channel":"Letter","outcome":"NoAnswer","at":"{{future}}"}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await host.Admin.PostAsync($"{account}-unknown/contacts", Json("""{"channel":"Letter","outcome":"NoAnswer"}"""))).ProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PostAsync($"{account}/disputes", Json("""{"reason":"not my loan"}"""))).StatusCode);
        var before = (await EventsAsync(account)).Count;
        var conflict = await (await host.Admin.PostAsync($"{account}/contacts", Json("""{"channel":"Call","outcome":"Conversation"}"""))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("disputeOpen", conflict.GetProperty("rule").GetString());
        Assert.Equal(JsonValueKind.Null, conflict.GetProperty("nextAllowedAt").ValueKind);
        Assert.True(conflict.GetProperty("recorded").GetBoolean());
        var violation = Assert.Single(await EventsAsync(account), e => e.GetProperty("type").GetString() == "ContactViolation");
        Assert.Equal(before + 1, violation.GetProperty("seq").GetInt64());
        Assert.Equal(("disputeOpen", "admin"), (violation.GetProperty("data").GetProperty("rule").GetString(), violation.GetProperty("actor").GetString()?.Split(':', '@')[0]));
    }

    [Fact]
    public async Task A_wrong_number_stops_calls_and_sms_until_contact_info_brings_another_which_is_audited_with_its_source()
    {
        var account = await AccountAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PostAsync($"{account}/contact-info", Json("""{"phone":"+8613800138000","source":"lender"}"""))).StatusCode);
        await host.Admin.PostAsync($"{account}/contacts", Json("""{"channel":"Call","outcome":"WrongNumber"}"""));

        var blocked = await (await host.Admin.GetAsync($"{account}/contact-permission?channel=Sms")).JsonAsync();
        Assert.Equal((false, "wrong-number"), (blocked.GetProperty("allowed").GetBoolean(), blocked.GetProperty("rule").GetString()));

        var changed = await host.Admin.PostAsync($"{account}/contact-info", Json("""{"phone":"+8613900139000","address":"1 Bund Road, Shanghai","source":"skip-trace"}"""));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var view = await changed.JsonAsync();
        Assert.Equal("1 Bund Road, Shanghai", view.GetProperty("contact").GetProperty("address").GetString());
        var audited = (await EventsAsync(account)).Last(e => e.GetProperty("type").GetString() == "ContactInfoChanged");
        Assert.Equal("skip-trace", audited.GetProperty("data").GetProperty("source").GetString());
        var permission = await (await host.Admin.GetAsync($"{account}/contact-permission?channel=Sms")).JsonAsync();
        Assert.NotEqual("wrong-number", permission.GetProperty("rule").GetString());

        var invalid = await (await host.Admin.PostAsync($"{account}/contact-info", Json("""{"phone":"12345"}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("source", invalid.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_simulated_gateway_records_what_it_would_send_and_a_gateway_result_is_audited_once()
    {
        // Early: the letter of the default plan goes out at once (letters have no hour window).
        var account = await AccountAsync();
        var events = await EventsAsync(account);
        var sent = events.First(e => e.GetProperty("type").GetString() == "ContactSent" && e.GetProperty("data").GetProperty("channel").GetString() == "Letter");
        Assert.Equal("simulated", sent.GetProperty("data").GetProperty("gateway").GetString());
        Assert.StartsWith("Early.Letter", sent.GetProperty("data").GetProperty("preview").GetString(), StringComparison.Ordinal);
        var contactId = sent.GetProperty("data").GetProperty("contactId").GetInt64();

        var results = $"{account}/contacts/{contactId}/results";
        var first = await (await host.Admin.PostAsync(results, Json("""{"status":"Replied","detail":"debtor wrote back"}"""))).JsonAsync();
        Assert.True(first.GetProperty("recorded").GetBoolean());
        var again = await (await host.Admin.PostAsync(results, Json("""{"status":"Replied"}"""))).JsonAsync();
        Assert.False(again.GetProperty("recorded").GetBoolean());
        Assert.Single(await EventsAsync(account), e => e.GetProperty("type").GetString() == "ContactResultReceived" && e.GetProperty("data").GetProperty("status").GetString() == "Replied");

        await (await host.Admin.PostAsync(results, Json("""{"status":"Lost"}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await host.Admin.PostAsync(results, Json("""{"status":"Replied","outcome":"Conversation"}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await host.Admin.PostAsync($"{account}/contacts/999999/results", Json("""{"status":"Delivered"}"""))).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_contact_endpoints_are_in_the_OpenAPI_document()
    {
        var paths = (await (await host.Admin.GetAsync("/openapi/v1.json")).JsonAsync()).GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/lenders/{lenderId}/accounts/{accountRef}/contact-permission", out _));
        Assert.True(paths.TryGetProperty("/api/v1/lenders/{lenderId}/accounts/{accountRef}/contacts", out _));
        Assert.True(paths.TryGetProperty("/api/v1/lenders/{lenderId}/accounts/{accountRef}/contacts/{contactId}/results", out _));
    }
}
