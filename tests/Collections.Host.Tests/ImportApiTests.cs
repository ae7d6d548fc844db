using System.Net;
using System.Text.Json;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

[Collection(HostCollection.Name)]
public sealed class ImportApiTests(HostFixture host)
{
    private static string Lender() => NewId("L");

    [Fact]
    public async Task An_ndjson_import_applies_good_lines_and_names_the_line_and_fix_of_each_bad_one()
    {
        var lender = Lender();
        var body = Ndjson(
            Records.Ndjson("A-1"),
            Records.Ndjson("A-2", principal: 250.5m),
            """{"accountRef":"A-3","currency":"USD","principal":1.005,"dueDate":"2026-01-01","borrowerName":"X"}""",
            "not json",
            """{"accountRef":"A 4","currency":"XXX","principal":-1,"dueDate":"2025-02-30"}""",
            "",
            Records.Ndjson("A-5"));

        var response = await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = await response.JsonAsync();
        Assert.Equal(6, summary.GetProperty("received").GetInt32());
        Assert.Equal(3, summary.GetProperty("created").GetInt32());
        Assert.Equal(3, summary.GetProperty("rejected").GetInt32());
        var errors = summary.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([3, 4, 5], errors.Select(e => e.GetProperty("line").GetInt32()));
        Assert.Contains("more than 2 decimals", errors[0].GetProperty("error").GetString());
        Assert.Equal("A-3", errors[0].GetProperty("accountRef").GetString());
        Assert.Contains("not valid JSON", errors[1].GetProperty("error").GetString());
        var many = errors[2].GetProperty("error").GetString()!;
        Assert.All(["accountRef:", "currency:", "principal:", "dueDate:", "borrowerName:"], field => Assert.Contains(field, many));

        var account = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/A-2")).JsonAsync();
        Assert.Equal(250.5m, account.GetProperty("balance").GetProperty("total").GetDecimal());
        Assert.Equal("Early", account.GetProperty("stage").GetString());
    }

    [Fact]
    public async Task Re_sending_the_same_csv_file_changes_nothing()
    {
        var lender = Lender();
        string[] file = [Records.CsvHeader, Records.Csv("C-1"), Records.Csv("C-2", daysPastDue: 95), "C-3,CNY,abc,0,2026-01-01,X,,UTC"];

        var first = await (await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import", Csv(file))).JsonAsync();
        var second = await (await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import", Csv(file))).JsonAsync();

        Assert.Equal(2, first.GetProperty("created").GetInt32());
        Assert.Equal(4, first.GetProperty("errors")[0].GetProperty("line").GetInt32());
        Assert.Contains("is not a number", first.GetProperty("errors")[0].GetProperty("error").GetString());
        Assert.Equal(0, second.GetProperty("created").GetInt32());
        Assert.Equal(0, second.GetProperty("updated").GetInt32());
        Assert.Equal(2, second.GetProperty("unchanged").GetInt32());

        var events = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/C-2/events")).JsonAsync();
        Assert.Equal(5, events.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_later_line_for_the_same_account_wins_and_updates_without_resetting_the_lifecycle()
    {
        var lender = Lender();
        var response = await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import",
            Ndjson(Records.Ndjson("D-1", principal: 100m, daysPastDue: 40), Records.Ndjson("D-1", principal: 80m, daysPastDue: 40)));

        var summary = await response.JsonAsync();
        Assert.Equal(1, summary.GetProperty("created").GetInt32());
        Assert.Equal(1, summary.GetProperty("updated").GetInt32());
        var account = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/D-1")).JsonAsync();
        Assert.Equal(80m, account.GetProperty("balance").GetProperty("total").GetDecimal());
        Assert.Equal("Mid", account.GetProperty("stage").GetString());
    }

    [Fact]
    public async Task A_line_of_megabytes_is_rejected_on_its_own_and_the_other_lines_land()
    {
        var lender = Lender();
        var huge = "{\"accountRef\":\"H-1\",\"borrowerName\":\"" + new string('x', 3 * 1024 * 1024) + "\"}";
        var response = await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import",
            Ndjson(Records.Ndjson("H-0"), huge, Records.Ndjson("H-2")));

        var summary = await response.JsonAsync();
        Assert.Equal(2, summary.GetProperty("created").GetInt32());
        var error = summary.GetProperty("errors")[0];
        Assert.Equal(2, error.GetProperty("line").GetInt32());
        Assert.Contains("longer than", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_csv_header_with_an_unknown_column_is_refused_before_any_row_is_applied()
    {
        var lender = Lender();
        var response = await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import",
            Csv("accountRef,currency,princpal,dueDate,borrowerName", "X-1,CNY,100,2026-01-01,A"));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("'princpal'", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/X-1")).StatusCode);
    }

    [Fact]
    public async Task An_import_in_an_unsupported_format_gets_415_naming_the_formats()
    {
        var response = await host.Admin.PostAsync($"/api/v1/lenders/{Lender()}/accounts/import", Json("[]"));
        var problem = await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/x-ndjson", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Put_creates_then_updates_one_account_and_lists_every_invalid_field()
    {
        var lender = Lender();
        var url = $"/api/v1/lenders/{lender}/accounts/P-1";
        var record = $$"""{"currency":"CNY","principal":500,"dueDate":"{{Records.DueDaysAgo(5)}}","borrowerName":"B"}""";

        Assert.Equal(HttpStatusCode.Created, (await host.Admin.PutAsync(url, Json(record))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PutAsync(url, Json(record.Replace("500", "450", StringComparison.Ordinal)))).StatusCode);

        var invalid = await host.Admin.PutAsync(url, Json("""{"currency":"CNY","principal":-5,"dueDate":"2026-13-01","product":"mortgage"}"""));
        var problem = await invalid.ProblemAsync(HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(fields, new HashSet<string> { "principal", "dueDate", "product", "borrowerName" });
        Assert.Equal(450m, (await (await host.Admin.GetAsync(url)).JsonAsync()).GetProperty("balance").GetProperty("total").GetDecimal());

        var malformed = await host.Admin.PutAsync(url, Json("{\"currency\":"));
        Assert.Contains("not valid JSON", (await malformed.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_due_date_outside_the_accepted_range_is_refused_with_the_range_by_put_and_by_import()
    {
        var lender = Lender();
        var farFuture = """{"currency":"CNY","principal":500,"dueDate":"9999-12-31","borrowerName":"B"}""";

        var put = await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/F-1", Json(farFuture));
        var problem = await put.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("between 1900-01-01 and 2199-12-31", problem.GetProperty("errors").GetProperty("dueDate")[0].GetString(), StringComparison.Ordinal);

        var import = await (await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import", Ndjson(farFuture.Replace("{", """{"accountRef":"F-2",""", StringComparison.Ordinal)))).JsonAsync();
        var error = Assert.Single(import.GetProperty("errors").EnumerateArray()).GetProperty("error").GetString();
        Assert.Contains("dueDate: 9999-12-31 is out of range: a due date must be between 1900-01-01 and 2199-12-31", error, StringComparison.Ordinal);
        Assert.DoesNotContain("re-send", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Payments_are_idempotent_by_id_conflict_on_another_amount_and_cure_the_account()
    {
        var lender = Lender();
        await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/Q-1",
            Json($$"""{"currency":"CNY","principal":300,"dueDate":"{{Records.DueDaysAgo(20)}}","borrowerName":"B","pastDueAmount":100}"""));
        var url = $"/api/v1/lenders/{lender}/accounts/Q-1/payments";

        var first = await (await host.Admin.PostAsync(url, Json("""{"paymentId":"P1","amount":60}"""))).JsonAsync();
        var again = await (await host.Admin.PostAsync(url, Json("""{"paymentId":"P1","amount":60}"""))).JsonAsync();
        Assert.Equal(first.GetProperty("eventCount").GetInt32(), again.GetProperty("eventCount").GetInt32());

        await (await host.Admin.PostAsync(url, Json("""{"paymentId":"P1","amount":70}"""))).ProblemAsync(HttpStatusCode.Conflict);
        await (await host.Admin.PostAsync(url, Json("""{"paymentId":"P2","amount":0.001}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await host.Admin.PostAsync(url, Json("""{"amount":5}"""))).ProblemAsync(HttpStatusCode.BadRequest);

        var cured = await (await host.Admin.PostAsync(url, Json("""{"paymentId":"P2","amount":40}"""))).JsonAsync();
        Assert.Equal("Closed", cured.GetProperty("status").GetString());
        Assert.Equal("Cured", cured.GetProperty("closedReason").GetString());
        Assert.Equal(200m, cured.GetProperty("balance").GetProperty("total").GetDecimal());

        await (await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/nope/payments", Json("""{"paymentId":"P1","amount":1}"""))).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_lender_closes_an_account_once_and_reasons_the_engine_decides_are_refused()
    {
        var lender = Lender();
        await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/Z-1",
            Json($$"""{"currency":"CNY","principal":300,"dueDate":"{{Records.DueDaysAgo(20)}}","borrowerName":"B"}"""));
        var url = $"/api/v1/lenders/{lender}/accounts/Z-1/close";

        await (await host.Admin.PostAsync(url, Json("""{"reason":"Cured"}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        await (await host.Admin.PostAsync(url, Json("""{"reason":"Bogus"}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        var closed = await (await host.Admin.PostAsync(url, Json("""{"reason":"Sold"}"""))).JsonAsync();
        Assert.Equal("Sold", closed.GetProperty("closedReason").GetString());
        await (await host.Admin.PostAsync(url, Json("""{"reason":"Recalled"}"""))).ProblemAsync(HttpStatusCode.Conflict);

        var events = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/Z-1/events?after=0&limit=2")).JsonAsync();
        Assert.Equal(2, events.GetProperty("items").GetArrayLength());
        Assert.Equal(2, events.GetProperty("next").GetInt64());
        var rest = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/Z-1/events?after=2")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("next").ValueKind);
        // Contacts the plan still had pending are suppressed after the close (rule accountClosed).
        Assert.Equal("AccountClosed", rest.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).Last(t => !t!.StartsWith("Contact", StringComparison.Ordinal)));
    }
}
