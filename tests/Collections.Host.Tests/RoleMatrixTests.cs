using System.Net;
using System.Text.Json;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>
/// Every operation of the OpenAPI document against every role: allowed (any answer but 401/403), 403, or —
/// for a key of another lender or agency — 404. The expectation is a table by operationId: an operation
/// added without a decision here fails the test, so nobody gets a new endpoint by accident.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class RoleMatrixTests(HostFixture host)
{
    private enum Role
    {
        Admin,
        Lender,
        Collector,
        Gateway,
        Auditor,
        Agency,
    }

    /// <summary>Whose resources an operation addresses: a lender's (another lender's keys get 404) or an agency's.</summary>
    private enum Scope
    {
        Public,
        Global,
        Lender,
        Agency,
    }

    private sealed record Access(Scope Scope, Role[] Roles);

    private static readonly Role[] Everyone = Enum.GetValues<Role>();

    private static Access Lender(params Role[] others) => new(Scope.Lender, [Role.Admin, Role.Lender, .. others]);

    private static Access Agency() => new(Scope.Agency, [Role.Admin, Role.Agency]);

    private static readonly Dictionary<string, Access> Expected = new()
    {
        ["GetClock"] = new(Scope.Public, Everyone),
        ["CreateApiKey"] = new(Scope.Global, [Role.Admin]),
        ["RevokeApiKey"] = new(Scope.Global, [Role.Admin]),
        ["RebuildAccountIndex"] = new(Scope.Global, [Role.Admin]),
        ["CreateLenderApiKey"] = Lender(),
        ["GetStrategy"] = Lender(Role.Auditor),
        ["PutStrategy"] = Lender(),
        ["ImportAccounts"] = Lender(),
        ["PutAccount"] = Lender(),
        ["SearchAccounts"] = Lender(Role.Auditor, Role.Collector),
        ["GetAccount"] = Lender(Role.Auditor, Role.Collector),
        ["GetAccountEvents"] = Lender(Role.Auditor, Role.Collector),
        ["GetEvidenceBundle"] = Lender(Role.Auditor, Role.Collector),
        ["RecordPayment"] = Lender(),
        ["CloseAccount"] = Lender(),
        ["MakePromise"] = Lender(Role.Collector),
        ["SubmitPlan"] = Lender(Role.Collector),
        ["OfferSettlement"] = Lender(Role.Collector),
        ["ApprovePlan"] = Lender(),
        ["ApproveSettlement"] = Lender(),
        ["DeclinePlan"] = Lender(),
        ["DeclineSettlement"] = Lender(),
        ["ListApprovals"] = Lender(Role.Auditor),
        ["OpenDispute"] = Lender(),
        ["ResolveDispute"] = Lender(),
        ["PlaceHold"] = Lender(),
        ["ReleaseHold"] = Lender(),
        ["RecordLitigationStep"] = Lender(),
        ["GetContactPermission"] = Lender(Role.Auditor, Role.Collector, Role.Gateway),
        ["RecordContact"] = Lender(Role.Collector, Role.Gateway),
        ["RecordContactResult"] = Lender(Role.Gateway),
        ["GetPortfolio"] = Lender(Role.Auditor),
        ["GetLenderAgencies"] = Lender(Role.Auditor),
        ["ImportPayments"] = Lender(),
        ["ChangeContactInfo"] = Lender(Role.Collector),
        ["GetDebtor"] = Lender(Role.Auditor, Role.Collector),
        ["GetLenderAgencyStatement"] = Lender(Role.Auditor),
        ["PutLenderWebhook"] = Lender(),
        ["GetLenderWebhook"] = Lender(Role.Auditor),
        ["GetLenderWebhookDeliveries"] = Lender(Role.Auditor),
        ["GetLenderFeed"] = Lender(Role.Auditor),
        ["GetAgencyStatement"] = Agency(),
        ["ImportAgencyActivities"] = Agency(),
        ["ImportAgencyPayments"] = Agency(),
        ["GetAgencyContactPermission"] = Agency(),
        ["OpenAgencyDispute"] = Agency(),
        ["PlaceAgencyHold"] = Agency(),
        ["MakeAgencyPromise"] = Agency(),
        ["SubmitAgencyPlan"] = Agency(),
        ["OfferAgencySettlement"] = Agency(),
        ["PutAgencyWebhook"] = Agency(),
        ["GetAgencyWebhookDeliveries"] = Agency(),
        ["PutTeam"] = Lender(),
        ["GetTeam"] = Lender(Role.Collector),
        ["NextTeamAccount"] = Lender(Role.Collector),
        ["ReleaseTeamLease"] = Lender(Role.Collector),
        ["PutAgency"] = new(Scope.Agency, [Role.Admin]),
        ["GetAgency"] = Agency(),
        ["GetAgencyPlacements"] = Agency(),
        ["GetPlacedAccount"] = Agency(),
        ["RecordAgencyActivity"] = Agency(),
        ["RecordAgencyPayment"] = Agency(),
        ["ReturnPlacement"] = Agency(),
        ["ChangeAgencyContactInfo"] = Agency(),
        ["ListLenderApiKeys"] = Lender(),
        ["RevokeLenderApiKey"] = Lender(),
        ["AddDocument"] = Lender(),
        ["ListDocuments"] = Lender(Role.Auditor, Role.Collector),
        ["GetDocument"] = Lender(Role.Auditor, Role.Collector),
        ["AddAgencyDocument"] = Agency(),
        ["ListAgencyDocuments"] = Agency(),
        ["GetAgencyDocument"] = Agency(),
        ["ReceiveComplaint"] = Lender(Role.Collector),
        ["ListAccountComplaints"] = Lender(Role.Auditor, Role.Collector),
        ["ResolveComplaint"] = Lender(),
        ["ListComplaints"] = Lender(Role.Auditor),
        ["IssuePortalLink"] = Lender(Role.Collector),
        ["RevokePortalLinks"] = Lender(Role.Collector),
        ["VerifyPortal"] = new(Scope.Public, Everyone),
        ["GetPortal"] = new(Scope.Public, Everyone),
        ["PortalMakePromise"] = new(Scope.Public, Everyone),
        ["PortalSubmitPlan"] = new(Scope.Public, Everyone),
        ["PortalOpenDispute"] = new(Scope.Public, Everyone),
        ["PortalReportHardship"] = new(Scope.Public, Everyone),
        ["PortalRequestCallback"] = new(Scope.Public, Everyone),
        ["PortalCreatePaymentIntent"] = new(Scope.Public, Everyone),
    };

    [Fact]
    public async Task Every_operation_answers_every_role_as_the_table_decides()
    {
        var lenderId = NewId("L");
        var agencyId = NewId("AG");
        var keys = new Dictionary<Role, HttpClient>
        {
            [Role.Admin] = host.Admin,
            [Role.Lender] = await ClientAsync(new { role = "lender", lenderId }),
            [Role.Collector] = await ClientAsync(new { role = "collector", lenderId, teamId = "T1" }),
            [Role.Gateway] = await ClientAsync(new { role = "gateway", lenderId }),
            [Role.Auditor] = await ClientAsync(new { role = "auditor", lenderId }),
            [Role.Agency] = await ClientAsync(new { role = "agency", agencyId }),
        };

        // The same roles, for another lender or agency: where they are allowed, they see nothing (404).
        var otherLender = NewId("L");
        var strangers = new Dictionary<Role, HttpClient>
        {
            [Role.Lender] = await ClientAsync(new { role = "lender", lenderId = otherLender }),
            [Role.Collector] = await ClientAsync(new { role = "collector", lenderId = otherLender, teamId = "T1" }),
            [Role.Gateway] = await ClientAsync(new { role = "gateway", lenderId = otherLender }),
            [Role.Auditor] = await ClientAsync(new { role = "auditor", lenderId = otherLender }),
            [Role.Agency] = await ClientAsync(new { role = "agency", agencyId = NewId("AG") }),
        };

        var document = await (await host.Client(null).GetAsync("/openapi/v1.json")).JsonAsync();
        var operations = OpenApiDocumentTests.Operations(document).ToList();
        var undecided = operations.Select(o => o.Operation.GetProperty("operationId").GetString()!).Where(id => !Expected.ContainsKey(id)).ToList();
        Assert.True(undecided.Count == 0, $"decide who may call: {string.Join(", ", undecided)} (add them to {nameof(Expected)})");

        var failures = new List<string>();
        foreach (var (method, path, operation) in operations)
        {
            var access = Expected[operation.GetProperty("operationId").GetString()!];
            var url = Fill(path, lenderId, agencyId);
            var mediaType = operation.TryGetProperty("requestBody", out var body) ? body.GetProperty("content").EnumerateObject().First().Name : null;
            foreach (var role in Everyone)
            {
                var status = await SendAsync(keys[role], method, url, mediaType);
                var allowed = access.Roles.Contains(role);
                if (allowed ? status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden : status != HttpStatusCode.Forbidden)
                {
                    failures.Add($"{role} {method.ToUpperInvariant()} {path}: {(int)status}, expected {(allowed ? "allowed" : "403")}");
                }

                var scoped = access.Scope == Scope.Lender && role is not (Role.Admin or Role.Agency)
                    || access.Scope == Scope.Agency && role == Role.Agency;
                if (allowed && scoped && await SendAsync(strangers[role], method, url, mediaType) != HttpStatusCode.NotFound)
                {
                    failures.Add($"{role} of another {access.Scope} {method.ToUpperInvariant()} {path}: expected 404");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task A_lender_issues_collector_gateway_and_auditor_keys_for_itself_only()
    {
        var lenderId = NewId("L");
        var lender = await ClientAsync(new { role = "lender", lenderId });

        var collector = await lender.PostAsync($"/api/v1/lenders/{lenderId}/api-keys", Json("""{"role":"collector","teamId":"T1"}"""));
        Assert.Equal(HttpStatusCode.Created, collector.StatusCode);
        var issued = await collector.JsonAsync();
        Assert.Equal(("collector", lenderId, "T1"), (issued.GetProperty("role").GetString(), issued.GetProperty("lenderId").GetString(), issued.GetProperty("teamId").GetString()));
        var asCollector = host.Client(issued.GetProperty("key").GetString());
        Assert.Equal(HttpStatusCode.OK, (await asCollector.GetAsync($"/api/v1/lenders/{lenderId}/accounts")).StatusCode);
        await (await asCollector.PostAsync($"/api/v1/lenders/{lenderId}/api-keys", Json("""{"role":"auditor"}"""))).ProblemAsync(HttpStatusCode.Forbidden);

        var lenderKey = await lender.PostAsync($"/api/v1/lenders/{lenderId}/api-keys", Json("""{"role":"lender"}"""));
        Assert.True((await lenderKey.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("role", out _));
        var noTeam = await lender.PostAsync($"/api/v1/lenders/{lenderId}/api-keys", Json("""{"role":"collector"}"""));
        Assert.True((await noTeam.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("teamId", out _));
        await (await lender.PostAsync($"/api/v1/lenders/{NewId("L")}/api-keys", Json("""{"role":"auditor"}"""))).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_lender_lists_and_revokes_the_keys_it_issued_and_a_revoked_key_answers_401_at_once()
    {
        var lenderId = NewId("L");
        var lender = await ClientAsync(new { role = "lender", lenderId });
        var gateway = await (await lender.PostAsync($"/api/v1/lenders/{lenderId}/api-keys", Json("""{"role":"gateway"}"""))).JsonAsync();
        var auditor = await (await lender.PostAsync($"/api/v1/lenders/{lenderId}/api-keys", Json("""{"role":"auditor"}"""))).JsonAsync();
        var (gatewayId, auditorId) = (gateway.GetProperty("id").GetString()!, auditor.GetProperty("id").GetString()!);

        var listed = (await (await lender.GetAsync($"/api/v1/lenders/{lenderId}/api-keys")).JsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([(gatewayId, "gateway"), (auditorId, "auditor")], listed.Select(k => (k.GetProperty("id").GetString(), k.GetProperty("role").GetString())));
        Assert.All(listed, k => Assert.False(k.TryGetProperty("key", out _)));
        Assert.All(listed, k => Assert.Equal(JsonValueKind.Null, k.GetProperty("revokedAt").ValueKind));

        var asAuditor = host.Client(auditor.GetProperty("key").GetString());
        Assert.Equal(HttpStatusCode.OK, (await asAuditor.GetAsync($"/api/v1/lenders/{lenderId}/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await lender.DeleteAsync($"/api/v1/lenders/{lenderId}/api-keys/{auditorId}")).StatusCode);
        await (await asAuditor.GetAsync($"/api/v1/lenders/{lenderId}/accounts")).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await lender.DeleteAsync($"/api/v1/lenders/{lenderId}/api-keys/{auditorId}")).ProblemAsync(HttpStatusCode.NotFound);
        var revoked = (await (await lender.GetAsync($"/api/v1/lenders/{lenderId}/api-keys")).JsonAsync()).GetProperty("items").EnumerateArray()
            .Single(k => k.GetProperty("id").GetString() == auditorId);
        Assert.Equal(JsonValueKind.String, revoked.GetProperty("revokedAt").ValueKind);

        // Another lender's key, and a key the admin issued, are not this lender's to see or revoke.
        var otherLenderId = NewId("L");
        var other = await ClientAsync(new { role = "lender", lenderId = otherLenderId });
        var othersKey = await (await other.PostAsync($"/api/v1/lenders/{otherLenderId}/api-keys", Json("""{"role":"gateway"}"""))).JsonAsync();
        var (adminIssuedId, _) = await host.IssueKeyAsync(new { role = "auditor", lenderId });
        await (await lender.DeleteAsync($"/api/v1/lenders/{lenderId}/api-keys/{othersKey.GetProperty("id").GetString()}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await lender.DeleteAsync($"/api/v1/lenders/{lenderId}/api-keys/{adminIssuedId}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await lender.DeleteAsync($"/api/v1/lenders/{lenderId}/api-keys/not-a-key-id")).ProblemAsync(HttpStatusCode.NotFound);
        await (await lender.GetAsync($"/api/v1/lenders/{otherLenderId}/api-keys")).ProblemAsync(HttpStatusCode.NotFound);
        // The other lender's key still works: its request reaches the account lookup (404), not authentication (401).
        await (await host.Client(othersKey.GetProperty("key").GetString()).GetAsync($"/api/v1/lenders/{otherLenderId}/accounts/{NewId("A")}/contact-permission?channel=Call")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(2, (await (await lender.GetAsync($"/api/v1/lenders/{lenderId}/api-keys")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    private async Task<HttpClient> ClientAsync(object request) => host.Client((await host.IssueKeyAsync(request)).Key);

    /// <summary>The operation with an empty body of the first media type it accepts: the role decides before the body matters.</summary>
    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string method, string url, string? mediaType)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
        if (mediaType is not null)
        {
            request.Content = new StringContent(mediaType == "application/json" ? "{}" : string.Empty, System.Text.Encoding.UTF8, mediaType);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static string Fill(string path, string lenderId, string agencyId) => path
        .Replace("{lenderId}", lenderId, StringComparison.Ordinal)
        .Replace("{agencyId}", agencyId, StringComparison.Ordinal)
        .Replace("{teamId}", "T1", StringComparison.Ordinal)
        .Replace("{accountRef}", "A-matrix", StringComparison.Ordinal)
        .Replace("{contactId}", "1", StringComparison.Ordinal)
        .Replace("{type}", "Hardship", StringComparison.Ordinal)
        .Replace("{documentId}", "D1", StringComparison.Ordinal)
        .Replace("{complaintId}", "C1", StringComparison.Ordinal)
        .Replace("{id}", "0123456789abcdef01234567", StringComparison.Ordinal);
}
