using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Domain.Portfolio;
using Collections.Domain.Strategies;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Accounts;

public sealed class ComplaintTests
{
    private static readonly Strategy Rules = InForce.Standard.Rules;

    /// <summary>An account at DPD 40 (Mid), placed with AG1 at 10:00 debtor-local (Asia/Shanghai) that day.</summary>
    private static (AccountHarness Account, DateTimeOffset PlacedAt) Placed()
    {
        var record = Records.Account().Build();
        var at = record.AtDpd(40);
        var account = AccountHarness.Opened(record, at);
        account.Execute((s, rules) => AccountLifecycle.Place(s, "AG1", 0.2m, at, rules), at);
        return (account, at);
    }

    private static Execution Complain(AccountHarness account, ComplaintCategory category, DateTimeOffset at, string? agencyId = null) =>
        account.Execute((s, rules) => AccountLifecycle.ReceiveComplaint(s, ComplaintChannel.Phone, category, "the collector called at midnight", agencyId, at, rules), at);

    [Fact]
    public void A_complaint_is_due_the_strategys_response_days_after_the_debtors_today()
    {
        var (account, placedAt) = Placed();

        // 23:30 in Shanghai is already the next day there (15:30 UTC).
        var lateEvening = BusinessCalendar.StartOfDay(BusinessCalendar.LocalDate(placedAt, account.State.Zone), account.State.Zone).AddHours(23.5);
        Complain(account, ComplaintCategory.WrongAmount, lateEvening);

        var received = Assert.Single(account.Recorded<ComplaintReceived>());
        Assert.Equal("C1", received.ComplaintId);
        Assert.Equal(BusinessCalendar.LocalDate(lateEvening, account.State.Zone).AddDays(15), received.RespondBy);
        Assert.Equal(ComplaintStatus.Open, Assert.Single(account.State.Complaints).Status);
    }

    [Fact]
    public void The_response_days_come_from_the_strategy()
    {
        var parsed = StrategyDocument.Parse("""{"complaints":{"responseDays":5}}""");
        Assert.Equal(5, parsed.Strategy!.Complaints.ResponseDays);
        Assert.Equal(ComplaintPolicy.DefaultResponseDays, StrategyDocument.Default.Complaints.ResponseDays);

        var invalid = StrategyDocument.Parse("""{"complaints":{"responseDays":0,"other":1}}""");
        Assert.Contains("complaints.responseDays", invalid.Errors.Keys);
        Assert.Contains("complaints.other", invalid.Errors.Keys);
    }

    [Fact]
    public void An_unresolved_complaint_is_overdue_exactly_when_its_respond_by_day_ends_in_the_debtors_zone()
    {
        var (account, placedAt) = Placed();
        Complain(account, ComplaintCategory.Privacy, placedAt);
        var complaint = Assert.Single(account.State.Complaints);
        var deadline = BusinessCalendar.StartOfDay(complaint.RespondBy.AddDays(1), account.State.Zone);
        Assert.Equal(TimeSpan.FromHours(8), account.State.Zone.GetUtcOffset(deadline));

        Assert.Equal(deadline, AccountLifecycle.ComplaintWake(account.State)!.At);
        Assert.Empty(AccountLifecycle.ComplaintsOverdue(account.State, deadline.AddTicks(-1)));

        account.AdvanceTo(deadline);

        var overdue = Assert.Single(account.Recorded<ComplaintOverdue>());
        Assert.Equal((complaint.Id, complaint.RespondBy), (overdue.ComplaintId, overdue.RespondBy));
        Assert.Equal(ComplaintStatus.Overdue, Assert.Single(account.State.Complaints).Status);
        Assert.Null(AccountLifecycle.ComplaintWake(account.State));

        account.AdvanceTo(deadline.AddDays(1));
        Assert.Single(account.Recorded<ComplaintOverdue>());
    }

    [Fact]
    public void A_resolved_complaint_is_never_flagged_overdue()
    {
        var (account, placedAt) = Placed();
        Complain(account, ComplaintCategory.Other, placedAt);
        account.Execute((s, _) => AccountLifecycle.ResolveComplaint(s, "C1", upheld: false, "explained the fees"), placedAt.AddDays(2));

        var resolved = Assert.Single(account.State.Complaints);
        Assert.Equal((ComplaintStatus.Resolved, false, "explained the fees"), (resolved.Status, resolved.Upheld, resolved.Resolution));
        account.AdvanceTo(placedAt.AddDays(30));
        Assert.Empty(account.Recorded<ComplaintOverdue>());

        var again = AccountLifecycle.ResolveComplaint(account.State, "C1", upheld: true, "again");
        Assert.Equal(RejectionKind.Conflict, again.Rejection!.Kind);
        Assert.Equal(RejectionKind.NotFound, AccountLifecycle.ResolveComplaint(account.State, "C9", true, "x").Rejection!.Kind);
    }

    [Fact]
    public void A_closed_account_still_wakes_to_flag_its_open_complaint()
    {
        var (account, placedAt) = Placed();
        Complain(account, ComplaintCategory.Other, placedAt);
        account.Execute((s, _) => AccountLifecycle.Close(s, ClosedReason.Recalled), placedAt.AddHours(1));

        var wake = account.NextWake();
        Assert.NotNull(wake);
        account.AdvanceTo(wake.At);

        Assert.Single(account.Recorded<ComplaintOverdue>());
        Assert.Null(account.NextWake());
    }

    [Fact]
    public void A_not_mine_complaint_opens_a_dispute_through_the_dispute_path_and_counts_once_against_the_agency()
    {
        var (account, placedAt) = Placed();

        Complain(account, ComplaintCategory.NotMine, placedAt.AddHours(1), agencyId: "AG1");

        var received = Assert.Single(account.Recorded<ComplaintReceived>());
        Assert.True(received.OpensDispute);
        var dispute = Assert.Single(account.Recorded<DisputeOpened>());
        Assert.Equal("the collector called at midnight", dispute.Reason);
        Assert.NotNull(account.State.Dispute);
        var recall = Assert.Single(account.Recorded<PlacementRecalled>());
        Assert.Equal(1, recall.Stats.Complaints);
    }

    [Fact]
    public void A_harassment_complaint_makes_the_agencys_next_activity_a_violation_of_the_rule_complaint_until_resolved()
    {
        var (account, placedAt) = Placed();
        Complain(account, ComplaintCategory.Harassment, placedAt.AddMinutes(30), agencyId: "AG1");
        Assert.Equal(1, account.State.Outsourcing.Current!.Stats.Complaints);

        var at = placedAt.AddHours(1);
        var blocked = AccountLifecycle.RecordAgencyContact(account.State, "AG1", ContactChannel.Call, ContactOutcome.NoAnswer, at, null, at, Rules, out var verdict);

        // The call happened all the same: it is recorded, as a violation of the complaint's stop.
        var violation = Assert.IsType<ContactViolation>(Assert.Single(blocked.Events));
        Assert.Equal(ComplaintRules.ContactRule, violation.Rule);
        Assert.Equal((false, ComplaintRules.ContactRule), (verdict!.Allowed, verdict.Rule));
        Assert.Contains("complaint C1", verdict.Detail, StringComparison.Ordinal);

        account.Execute((s, _) => AccountLifecycle.ResolveComplaint(s, "C1", upheld: true, "collector retrained"), at);
        var allowed = AccountLifecycle.RecordAgencyContact(account.State, "AG1", ContactChannel.Call, ContactOutcome.NoAnswer, at, null, at, Rules, out verdict);
        Assert.Null(allowed.Rejection);
        Assert.True(verdict!.Allowed);
    }

    [Fact]
    public void A_complaint_names_only_an_agency_the_account_is_or_was_last_placed_with()
    {
        var (account, placedAt) = Placed();

        var stranger = AccountLifecycle.ReceiveComplaint(account.State, ComplaintChannel.Regulator, ComplaintCategory.Harassment, "calls", "AG9", placedAt, Rules);
        var empty = AccountLifecycle.ReceiveComplaint(account.State, ComplaintChannel.Regulator, ComplaintCategory.Harassment, " ", null, placedAt, Rules);

        Assert.Contains("agencyId 'AG9'", stranger.Rejection!.Message, StringComparison.Ordinal);
        Assert.Contains("text is required", empty.Rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Complaints_count_in_the_portfolio_by_status_and_by_agency()
    {
        var (account, placedAt) = Placed();
        Complain(account, ComplaintCategory.Harassment, placedAt, agencyId: "AG1");
        Complain(account, ComplaintCategory.Other, placedAt);

        var counters = PortfolioContribution.Difference(null, PortfolioContribution.Of(account.State, placedAt, Rules), "2026-02");
        var report = PortfolioReport.From(counters, Rules.Buckets.Select(b => b.Name), "2026-02");

        Assert.Equal(2, report.Complaints.ByStatus["Open"]);
        Assert.Equal(1, report.Complaints.ByAgency["AG1"]);
    }

    [Fact]
    public void A_document_is_added_once_per_content_kind_and_actor_and_an_agency_adds_only_recordings_and_letters()
    {
        var (account, placedAt) = Placed();
        var content = new StoredContent(new string('a', 64), 10, new string('a', 64));

        account.Execute((s, _) => AccountLifecycle.AddDocument(s, "lender:L1", DocumentKind.Contract, "signed", "contract.pdf", "application/pdf", content), placedAt);
        var again = AccountLifecycle.AddDocument(account.State, "lender:L1", DocumentKind.Contract, null, null, null, content);
        var agencyContract = AccountLifecycle.AddDocument(account.State, "agency:AG1", DocumentKind.Contract, null, null, null, content);

        var added = Assert.Single(account.Recorded<DocumentAdded>());
        Assert.Equal(("D1", 10L), (added.DocumentId, added.Size));
        Assert.Empty(again.Events);
        Assert.Null(again.Rejection);
        Assert.Equal(RejectionKind.Invalid, agencyContract.Rejection!.Kind);
        Assert.Equal(EvidenceCategory.Document, Evidence.CategoryOf(nameof(DocumentAdded)));
        Assert.Equal(EvidenceCategory.Complaint, Evidence.CategoryOf(nameof(ComplaintOverdue)));
    }

    [Fact]
    public void An_agency_sees_the_lenders_documents_and_its_own_never_another_agencys()
    {
        var at = DateTimeOffset.UnixEpoch;
        AccountDocument By(string actor) => new("D1", DocumentKind.Letter, null, null, null, 1, "x", "x", at, actor);

        Assert.True(DocumentRules.Visible(By("lender:L1@k"), "AG1"));
        Assert.True(DocumentRules.Visible(By("agency:AG1"), "AG1"));
        Assert.False(DocumentRules.Visible(By("agency:AG2"), "AG1"));
        Assert.True(DocumentRules.Visible(By("agency:AG2"), agencyId: null));
    }
}
