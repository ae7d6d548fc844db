using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Domain.Tests.Contacts;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Segments;

/// <summary>What a contact says, and the US validation notice that comes before any call.</summary>
public class ContactContentTests
{
    private const string Us = """{ "compliance": { "profile": "US" } }""";

    private static AccountRecord UsRecord(string? email = null) =>
        Records.Account().InTimeZone("America/New_York").Currency("USD").With("email", email).Build() is var record
            ? record with { Debtor = record.Debtor with { Address = "1 Main St, Springfield" } }
            : throw new InvalidOperationException();

    [Fact]
    public void A_letter_carries_the_itemised_amounts_the_due_date_the_next_stage_and_its_date_and_the_postal_address()
    {
        var record = Records.Account().Owing(1000, interest: 20, fees: 3, penalty: 5).Build();
        record = record with { Debtor = record.Debtor with { Address = "No. 1 Renmin Road, Shanghai" } };
        var account = new ContactDriver(record, record.AtDpd(4));
        var letter = account.Recorded<ContactDispatchRequested>().Single(r => r.Data.Channel == ContactChannel.Letter).Data;
        var dispatch = new PendingDispatch(letter.ContactId, letter.Channel, letter.Stage, letter.IdempotencyKey, record.AtDpd(4), letter.Template);

        var content = AccountLifecycle.ContentOf(account.State, dispatch, record.AtDpd(4), account.Strategy.Rules);

        Assert.Equal(
            new ContactContent("Early.Letter", "CNY", new Balance(1000, 20, 3, 5), 1028, record.DueDate, 4, Stage.Mid, record.DueDate.AddDays(31), "No. 1 Renmin Road, Shanghai", null),
            content);
        Assert.Equal(
            "Early.Letter: 1028 CNY overdue since 2026-01-05 (DPD 4); principal 1000, interest 20, fees 3, penalty 5, balance 1028 CNY; if nothing is paid: Mid on 2026-02-05",
            content.Summary());
    }

    [Fact]
    public void Only_a_letter_carries_the_address()
    {
        var record = Records.Account().Build();
        record = record with { Debtor = record.Debtor with { Address = "No. 1 Renmin Road" } };
        var account = new ContactDriver(record, record.AtDpd(1));
        var sms = account.Recorded<ContactDispatchRequested>().First().Data;

        var content = AccountLifecycle.ContentOf(account.State, new PendingDispatch(sms.ContactId, sms.Channel, sms.Stage, sms.IdempotencyKey, record.AtDpd(1), sms.Template), record.AtDpd(1), account.Strategy.Rules);

        Assert.Equal(("Notice.Sms", null), (content.Template, content.Address));
    }

    [Fact]
    public void Under_US_rules_the_first_contact_is_the_validation_notice_and_calls_wait_until_it_is_sent()
    {
        var record = UsRecord();
        var opened = record.AtDpd(4);
        var strategy = SegmentTests.InForceOf(Us);
        var account = new ContactDriver(record, opened, strategy);

        var first = account.Recorded<ContactDispatchRequested>().First().Data;
        Assert.Equal(("ValidationNotice.Letter", ContactChannel.Letter), (first.Template, first.Channel));
        var sentOn = BusinessCalendar.LocalDate(opened, account.State.Zone);
        Assert.Equal(account.Recorded<ContactSent>().First().At, account.State.Contacts.ValidationNoticeSentAt);

        // 2026-01-09 is a Friday: five business days later is Friday 2026-01-16, then thirty days.
        Assert.Equal(new DateOnly(2026, 1, 9), sentOn);
        Assert.Equal(new DateOnly(2026, 2, 15), AccountLifecycle.ValidationEndsOn(account.State, strategy.Rules));
        Assert.True(AccountLifecycle.ContactPermission(account.State, ContactChannel.Call, opened, strategy.Rules).Decision.Allowed);
    }

    [Fact]
    public void Under_US_rules_no_call_is_allowed_or_dispatched_before_the_notice_and_the_notice_carries_the_dispute_deadline()
    {
        var record = UsRecord(email: "jane@example.com");
        var at = record.AtDpd(4);
        var strategy = SegmentTests.InForceOf(Us);
        var opened = AccountLifecycle.Upsert(null, "L1", record, at, strategy).Decision.Events;
        var state = opened.Aggregate((AccountState?)null, (s, e) => AccountLifecycle.Apply(s, new AccountEvent((s?.Version ?? 0) + 1, at, "", e)))!;
        var due = AccountLifecycle.DueContacts(state, at, strategy.Rules);
        state = due.Aggregate(state, (s, e) => AccountLifecycle.Apply(s, new AccountEvent(s.Version + 1, at, "", e)));

        var requested = due.OfType<ContactDispatchRequested>().ToList();
        Assert.DoesNotContain(requested, r => r.Channel == ContactChannel.Call);
        var notice = Assert.Single(requested, r => r.Template == "ValidationNotice.Email");
        var (decision, _) = AccountLifecycle.ContactPermission(state, ContactChannel.Call, at, strategy.Rules);
        Assert.Equal((false, ContactRules.ValidationNotice), (decision.Allowed, decision.Rule));

        var dispatch = state.Contacts.Outbox.Single(p => p.Id == notice.ContactId);
        var content = AccountLifecycle.ContentOf(state, dispatch, at, strategy.Rules);
        Assert.Equal(new DateOnly(2026, 2, 15), content.DisputeBy);
        Assert.EndsWith("dispute by 2026-02-15", content.Summary());
    }

    [Fact]
    public void A_CN_account_gets_no_validation_notice()
    {
        var record = Records.Account().Build();

        var account = new ContactDriver(record, record.AtDpd(4));

        Assert.DoesNotContain(account.Recorded<ContactDispatchRequested>(), r => r.Data.Template!.StartsWith("ValidationNotice", StringComparison.Ordinal));
        Assert.Null(AccountLifecycle.ValidationEndsOn(account.State, account.Strategy.Rules));
    }
}
