using System.Collections.Immutable;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Domain.Portal;
using Collections.Domain.Strategies;
using Collections.Domain.Tests.Segments;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Portal;

/// <summary>
/// The debtor's own page in the domain: links issued by people and by a strategy's contact step, the knowledge
/// check and its lock, and what the debtor may ask for alone (a call-back, a payment through the lender).
/// </summary>
public class PortalTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 20, 2, 0, 0, TimeSpan.Zero);

    private static readonly PortalLink Link = new("L1", "A-1", null, "zh", Now, Now.AddDays(14));

    [Theory]
    [InlineData("Sms")]
    [InlineData("Email")]
    [InlineData("Letter")]
    public void A_contact_step_with_a_text_may_carry_a_link_to_the_debtors_page(string channel)
    {
        var parsed = StrategyDocument.Parse($$"""{ "contactPlan": [ {"stage":"Notice","channel":"{{channel}}","dayOffsets":[0],"portalLink":true}, {"stage":"Early","channel":"Call","everyDays":1} ] }""");

        Assert.True(parsed.IsValid);
        Assert.Equal([true, false], parsed.Strategy!.ContactPlan.Select(s => s.PortalLink));
        Assert.Contains("\"portalLink\":true", parsed.NormalizedJson, StringComparison.Ordinal);
    }

    [Fact]
    public void A_call_step_cannot_carry_a_link_and_portalLink_must_be_true_or_false_each_said_at_its_path()
    {
        var parsed = StrategyDocument.Parse("""{ "contactPlan": [ {"stage":"Early","channel":"Call","everyDays":1,"portalLink":true}, {"stage":"Notice","channel":"Sms","dayOffsets":[0],"portalLink":"yes"} ] }""");

        Assert.False(parsed.IsValid);
        Assert.Contains("Sms, Email or Letter", Assert.Single(parsed.Errors["contactPlan[0].portalLink"]), StringComparison.Ordinal);
        Assert.Equal("must be true or false", Assert.Single(parsed.Errors["contactPlan[1].portalLink"]));
    }

    [Fact]
    public void A_step_with_portalLink_asks_for_a_link_with_its_message_and_the_link_issued_for_it_is_named_in_what_it_says()
    {
        var strategy = SegmentTests.InForceOf("""{ "contactPlan": [ {"stage":"Notice","channel":"Sms","dayOffsets":[0],"portalLink":true}, {"stage":"Notice","channel":"Email","dayOffsets":[0]} ] }""");
        var record = Records.Account().Build();
        var at = record.AtDpd(1);
        var account = Outboxed(record, at, strategy);
        var sms = account.Contacts.Outbox.Single(p => p.Channel == ContactChannel.Sms);
        var email = account.Contacts.Outbox.Single(p => p.Channel == ContactChannel.Email);
        Assert.Equal((true, false), (sms.PortalLink, email.PortalLink));

        var issued = AccountLifecycle.IssuePortalLink(account, "0123456789abcdef01234567", at, strategy.Rules, sms.Id);
        Assert.Equal(new PortalLinkIssued("0123456789abcdef01234567", at.AddDays(14), sms.Id), Assert.Single(issued.Events));
        account = Applied(account, issued.Events, at);

        Assert.Equal(1, account.Portal.LinksSent);
        var withLink = account.Contacts.Outbox.Single(p => p.Id == sms.Id);
        Assert.Equal(new IssuedLink("0123456789abcdef01234567", at.AddDays(14)), withLink.Link);
        Assert.EndsWith("; with link 0123456789abcdef01234567 to the debtor's page", AccountLifecycle.ContentOf(account, withLink, at, strategy.Rules).Summary(), StringComparison.Ordinal);
        Assert.Null(AccountLifecycle.ContentOf(account, email, at, strategy.Rules).PortalLink);

        // The e-mail's step asks for no link, and a contact not in the outbox has none to carry.
        Assert.Equal(RejectionKind.Conflict, AccountLifecycle.IssuePortalLink(account, "other", at, strategy.Rules, email.Id).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, AccountLifecycle.IssuePortalLink(account, "other", at, strategy.Rules, 9999).Rejection?.Kind);
    }

    [Fact]
    public void A_letter_that_carries_a_link_names_it_by_its_id_and_expiry_and_never_by_its_token()
    {
        var strategy = SegmentTests.InForceOf("""{ "contactPlan": [ {"stage":"Notice","channel":"Letter","dayOffsets":[0],"portalLink":true} ], "portal": { "linkDays": 7 } }""");
        var record = Records.Account().Build();
        var at = record.AtDpd(1);
        var account = Outboxed(record, at, strategy);
        var letter = account.Contacts.Outbox.Single();
        account = Applied(account, AccountLifecycle.IssuePortalLink(account, "feedfacefeedfacefeedface", at, strategy.Rules, letter.Id).Events, at);

        var text = AccountLifecycle.LetterOf(account, letter, AccountLifecycle.ContentOf(account, letter, at, strategy.Rules), at);

        Assert.Contains("(link feedfacefeedfacefeedface) opens until 2026-01-13 (UTC).", text, StringComparison.Ordinal);
        Assert.DoesNotContain("/pay/", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_needs_a_phone_on_file_for_the_check_and_an_open_account()
    {
        var withoutPhone = Opened(Records.Account().Without("phone").Build());
        Assert.Equal(RejectionKind.Invalid, AccountLifecycle.IssuePortalLink(withoutPhone, "x", Now, StrategyDocument.Default).Rejection?.Kind);

        var open = Opened(Records.Account().Build());
        Assert.Equal(new PortalLinkIssued("x", Now.AddDays(PortalPolicy.DefaultLinkDays)), Assert.Single(AccountLifecycle.IssuePortalLink(open, "x", Now, StrategyDocument.Default).Events));
        var closed = Applied(open, AccountLifecycle.Close(open, ClosedReason.Recalled).Events, Now);
        Assert.Equal(RejectionKind.Conflict, AccountLifecycle.IssuePortalLink(closed, "x", Now, StrategyDocument.Default).Rejection?.Kind);
    }

    [Fact]
    public void Opening_counts_once_per_link_and_each_passed_check_counts_as_verified()
    {
        var account = Opened(Records.Account().Build());
        account = Applied(account, [.. AccountLifecycle.VisitPortal("x", verified: false).Events, .. AccountLifecycle.VisitPortal("x", verified: true).Events, .. AccountLifecycle.VisitPortal("x", verified: true).Events], Now);

        Assert.Equal((1, 2), (account.Portal.Opened, account.Portal.Verified));
    }

    [Theory]
    [InlineData("+86 138-0013-4521", "4521", true)]
    [InlineData("+8613800134521", "4520", false)]
    [InlineData("+8613800134521", "521", false)]
    [InlineData("+8613800134521", "45a1", false)]
    [InlineData("12", "0012", false)]
    [InlineData(null, "4521", false)]
    public void The_check_compares_the_last_four_digits_of_the_phone_on_file(string? phone, string answer, bool right) =>
        Assert.Equal(right, PortalRules.PhoneEndsWith(phone, answer));

    [Fact]
    public void Five_wrong_answers_lock_a_link_and_a_right_one_before_that_clears_the_count()
    {
        var link = Link;
        for (var i = 0; i < 4; i++)
        {
            link = PortalRules.Answer(link, right: false, Now);
        }

        Assert.Equal((4, PortalLinkStatus.Active), (link.FailedChecks, link.StatusAt(Now)));
        var cleared = PortalRules.Answer(link, right: true, Now);
        Assert.Equal((0, PortalLinkStatus.Active), (cleared.FailedChecks, cleared.StatusAt(Now)));

        var locked = PortalRules.Answer(link, right: false, Now);
        Assert.Equal(PortalLinkStatus.Locked, locked.StatusAt(Now));

        // A locked link counts no more answers, the right one included.
        Assert.Same(locked, PortalRules.Answer(locked, right: true, Now));
    }

    [Fact]
    public void A_link_expires_at_its_end_and_revoked_outranks_locked_which_outranks_expired()
    {
        Assert.Equal(PortalLinkStatus.Active, Link.StatusAt(Link.ExpiresAt.AddTicks(-1)));
        Assert.Equal(PortalLinkStatus.Expired, Link.StatusAt(Link.ExpiresAt));
        var expired = Link.ExpiresAt.AddDays(1);
        Assert.Same(Link, PortalRules.Answer(Link, right: false, expired));

        var locked = Link with { FailedChecks = PortalRules.MaxFailedChecks };
        Assert.Equal(PortalLinkStatus.Locked, locked.StatusAt(expired));
        Assert.Equal(PortalLinkStatus.Revoked, (locked with { RevokedAt = Now }).StatusAt(expired));
    }

    [Fact]
    public void Revoking_records_how_many_links_were_still_open_and_nothing_when_none_were()
    {
        Assert.Equal(new PortalLinksRevoked(2), Assert.Single(AccountLifecycle.RevokePortalLinks(2).Events));
        Assert.Empty(AccountLifecycle.RevokePortalLinks(0).Events);
    }

    [Fact]
    public void A_call_back_window_is_half_an_hour_to_twelve_hours_starting_within_two_weeks()
    {
        var account = Opened(Records.Account().Build());
        var from = Now.AddDays(1);

        Assert.Single(AccountLifecycle.RequestCallback(account, from, from.AddHours(2), " after work ", Now).Events);
        Assert.Equal(RejectionKind.Invalid, AccountLifecycle.RequestCallback(account, from, from.AddMinutes(10), null, Now).Rejection?.Kind);
        Assert.Equal(RejectionKind.Invalid, AccountLifecycle.RequestCallback(account, from, from.AddHours(13), null, Now).Rejection?.Kind);
        Assert.Equal(RejectionKind.Invalid, AccountLifecycle.RequestCallback(account, Now.AddHours(-1), Now.AddHours(1), null, Now).Rejection?.Kind);
        Assert.Equal(RejectionKind.Invalid, AccountLifecycle.RequestCallback(account, Now.AddDays(15), Now.AddDays(15).AddHours(1), null, Now).Rejection?.Kind);
        Assert.Equal(RejectionKind.Invalid, AccountLifecycle.RequestCallback(account, from, from.AddHours(1), new string('n', PortalRules.MaxNoteLength + 1), Now).Rejection?.Kind);

        var recorded = Applied(account, AccountLifecycle.RequestCallback(account, from, from.AddHours(2), null, Now).Events, Now);
        Assert.Equal((1, new CallbackWindow(from, from.AddHours(2), Now)), (recorded.Portal.Callbacks, recorded.Portal.Callback));
    }

    [Fact]
    public void Pay_now_takes_its_amount_from_the_account_or_the_debtor_up_to_the_balance()
    {
        var account = Opened(Records.Account().Owing(1000, penalty: 25).Build());

        Assert.Equal(new PaymentIntentCreated("pi1", 1025m, "CNY", PaymentPurpose.Balance), Assert.Single(AccountLifecycle.CreatePaymentIntent(account, "pi1", PaymentPurpose.Balance, 5m).Events));
        Assert.Equal(new PaymentIntentCreated("pi2", 300m, "CNY", PaymentPurpose.Other), Assert.Single(AccountLifecycle.CreatePaymentIntent(account, "pi2", PaymentPurpose.Other, 300m).Events));
        Assert.Equal(RejectionKind.Invalid, AccountLifecycle.CreatePaymentIntent(account, "pi3", PaymentPurpose.Other, 2000m).Rejection?.Kind);
        Assert.Equal(RejectionKind.Invalid, AccountLifecycle.CreatePaymentIntent(account, "pi4", PaymentPurpose.Other, 0m).Rejection?.Kind);
        Assert.Equal(RejectionKind.Conflict, AccountLifecycle.CreatePaymentIntent(account, "pi5", PaymentPurpose.Settlement, null).Rejection?.Kind);
    }

    [Fact]
    public void What_the_debtor_does_through_the_collectors_commands_counts_as_the_pages_when_the_actor_is_a_debtors_link()
    {
        var account = Opened(Records.Account().Build());
        var promise = AccountLifecycle.MakePromise(account, 100m, Records.DueDate.AddDays(20), Now, StrategyDocument.Default).Events;
        Assert.NotEmpty(promise);

        var byDebtor = Applied(account, promise, Now, PortalRules.ActorOf("0123"));
        var byCollector = Applied(account, promise, Now, "collector:c1");

        Assert.Equal((1, 0), (byDebtor.Portal.Promises, byCollector.Portal.Promises));
        Assert.True(PortalRules.IsDebtor("debtor@0123"));
        Assert.False(PortalRules.IsDebtor("debtors-agency"));
    }

    /// <summary>The account opened from <paramref name="record"/> at <see cref="Now"/> under the default strategy.</summary>
    private static AccountState Opened(AccountRecord record) =>
        Applied(null, AccountLifecycle.Upsert(null, "L1", record, Now, InForce.Standard).Decision.Events, Now);

    /// <summary>The account opened at <paramref name="at"/>, with its due contacts recorded and left in the outbox (not sent).</summary>
    private static AccountState Outboxed(AccountRecord record, DateTimeOffset at, StrategyInForce strategy)
    {
        var account = Applied(null, AccountLifecycle.Upsert(null, "L1", record, at, strategy).Decision.Events, at);
        for (var round = 0; round < 10; round++)
        {
            var due = AccountLifecycle.DueContacts(account, at, strategy.Rules);
            if (due.IsEmpty)
            {
                break;
            }

            account = Applied(account, due, at);
        }

        Assert.NotEmpty(account.Contacts.Outbox);
        return account;
    }

    private static AccountState Applied(AccountState? state, ImmutableArray<AccountEventData> events, DateTimeOffset at, string actor = AccountLifecycle.SystemActor)
    {
        foreach (var data in events)
        {
            state = AccountLifecycle.Apply(state, new AccountEvent((state?.Version ?? 0) + 1, at, actor, data));
        }

        return state!;
    }
}
