using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

[Collection(HostCollection.Name)]
public sealed class ComplaintsApiTests(HostFixture host)
{
    [Fact]
    public async Task A_complaint_is_due_in_the_strategys_days_listed_by_status_and_resolved()
    {
        var lender = NewId("L");
        var accountRef = NewId("A");
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/strategy", Json("""{"complaints":{"responseDays":7}}"""))).StatusCode);
        var view = await (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(DocumentsApiTests.Account()))).JsonAsync();
        var account = $"/api/v1/lenders/{lender}/accounts/{accountRef}";

        var created = await host.Admin.PostAsJsonAsync($"{account}/complaints", new { channel = "Regulator", category = "WrongAmount", text = "the penalty is wrong" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var complaint = await created.JsonAsync();
        var id = complaint.GetProperty("complaintId").GetString()!;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(view.GetProperty("contact").GetProperty("timezone").GetString()!);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var respondBy = DateOnly.Parse(complaint.GetProperty("respondBy").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(respondBy.DayNumber - today.DayNumber, 6, 8);
        Assert.Equal("Open", complaint.GetProperty("status").GetString());

        var open = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/complaints?status=Open")).JsonAsync();
        var item = Assert.Single(open.GetProperty("items").EnumerateArray());
        Assert.Equal((accountRef, id), (item.GetProperty("accountRef").GetString(), item.GetProperty("complaintId").GetString()));
        Assert.Empty((await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/complaints?status=Resolved")).JsonAsync()).GetProperty("items").EnumerateArray());
        await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/complaints?status=Closed")).ProblemAsync(HttpStatusCode.BadRequest);

        var resolved = await host.Admin.PostAsJsonAsync($"{account}/complaints/{id}/resolve", new { upheld = true, resolution = "penalty refunded" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal("Resolved", (await resolved.JsonAsync()).GetProperty("status").GetString());
        await (await host.Admin.PostAsJsonAsync($"{account}/complaints/{id}/resolve", new { upheld = true, resolution = "again" })).ProblemAsync(HttpStatusCode.Conflict);
        await (await host.Admin.PostAsJsonAsync($"{account}/complaints/C99/resolve", new { upheld = true, resolution = "x" })).ProblemAsync(HttpStatusCode.NotFound);

        var all = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/complaints")).JsonAsync();
        Assert.Equal("Resolved", Assert.Single(all.GetProperty("items").EnumerateArray()).GetProperty("status").GetString());
        var portfolio = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/portfolio")).JsonAsync();
        Assert.Equal(1, portfolio.GetProperty("complaints").GetProperty("byStatus").GetProperty("Resolved").GetInt64());
        var events = await (await host.Admin.GetAsync($"{account}/events?limit=1000")).JsonAsync();
        Assert.Equal(["ComplaintReceived", "ComplaintResolved"],
            events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).Where(t => t!.StartsWith("Complaint", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Harassment_by_an_agency_stops_its_activities_with_the_rule_complaint_and_counts_in_its_supervision_figures()
    {
        var lender = NewId("L");
        var agency = NewId("AG");
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.PutAsync($"/api/v1/agencies/{agency}", Json($$"""{"name":"Loud Agency","capacity":100,"lenders":["{{lender}}"],"commissionRate":0.1}"""))).StatusCode);
        var (_, key) = await host.IssueKeyAsync(new { role = "agency", agencyId = agency });
        host.ExpireAgencyCatalog();
        var accountRef = NewId("A");
        var view = await (await host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(DocumentsApiTests.Account(daysPastDue: 40)))).JsonAsync();
        Assert.Equal(agency, view.GetProperty("placement").GetProperty("agencyId").GetString());
        var placed = $"/api/v1/agencies/{agency}/placements/{lender}/{accountRef}";
        var agencyClient = host.Client(key);

        var complaint = await (await host.Admin.PostAsJsonAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/complaints",
            new { channel = "Phone", category = "Harassment", text = "eleven calls today", agencyId = agency })).JsonAsync();

        var refused = await (await agencyClient.PostAsJsonAsync($"{placed}/activities", new { channel = "Call", outcome = "NoAnswer" })).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("complaint", refused.GetProperty("rule").GetString());
        Assert.Equal("complaint", (await (await agencyClient.GetAsync(placed)).JsonAsync()).GetProperty("contactStoppedBy").GetString());
        var agencies = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/agencies")).JsonAsync();
        Assert.Equal(1, agencies.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("agencyId").GetString() == agency).GetProperty("complaints").GetInt64());

        await host.Admin.PostAsJsonAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/complaints/{complaint.GetProperty("complaintId").GetString()}/resolve",
            new { upheld = true, resolution = "collector retrained" });
        Assert.Equal(HttpStatusCode.Created, (await agencyClient.PostAsJsonAsync($"{placed}/activities", new { channel = "Call", outcome = "NoAnswer" })).StatusCode);

        var notMine = await (await host.Admin.PostAsJsonAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/complaints",
            new { channel = "Letter", category = "NotMine", text = "I never took this loan" })).JsonAsync();
        Assert.Equal("C2", notMine.GetProperty("complaintId").GetString());
        var disputed = await (await host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}")).JsonAsync();
        Assert.Equal(JsonValueKind.Object, disputed.GetProperty("dispute").ValueKind);
        await (await host.Admin.PostAsJsonAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/complaints",
            new { channel = "Fax", category = "Harassment", text = "x", agencyId = "not an id" })).ProblemAsync(HttpStatusCode.BadRequest);
    }
}
