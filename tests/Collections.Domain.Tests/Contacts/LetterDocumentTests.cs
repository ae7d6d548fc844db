using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Domain.Tests.Segments;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Contacts;

/// <summary>The letter the engine sends, as the document it keeps: its text, and one document per contact.</summary>
public class LetterDocumentTests
{
    private static readonly ContactContent Content = new(
        "Early.Letter", "CNY", new Balance(12345.5m, 20, 3, 0.25m), 1028.75m, new DateOnly(2026, 1, 5), 10, Stage.Mid, new DateOnly(2026, 2, 5),
        "No. 1 Renmin Road, Huangpu,\nShanghai 200001", null);

    [Fact]
    public void A_letter_is_plain_text_with_the_template_the_date_the_recipient_block_the_itemised_amounts_the_due_date_and_what_comes_next()
    {
        var text = LetterDocument.Render(Content, " Wang Fang ", "L1/A-1/contacts/7", new DateOnly(2026, 1, 15), validationNotice: false);

        Assert.Equal(
            """
            PAYMENT REMINDER

            Date:      2026-01-15
            Reference: L1/A-1/contacts/7
            Template:  Early.Letter

            To:
              Wang Fang
              No. 1 Renmin Road
              Huangpu
              Shanghai 200001

            Amounts owed (CNY)
              Principal         12,345.50
              Interest              20.00
              Fees                   3.00
              Penalty                0.25
              Balance           12,368.75
              Overdue            1,028.75

            Oldest unpaid due date: 2026-01-05 (10 days past due).
            If nothing is paid, the account moves to the Mid stage on 2026-02-05.

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void The_same_facts_render_the_same_bytes_and_another_contact_renders_another_letter()
    {
        var first = LetterDocument.Render(Content, "Wang Fang", "L1/A-1/contacts/7", new DateOnly(2026, 1, 15), false);

        Assert.Equal(first, LetterDocument.Render(Content, "Wang Fang", "L1/A-1/contacts/7", new DateOnly(2026, 1, 15), false));
        Assert.NotEqual(first, LetterDocument.Render(Content, "Wang Fang", "L1/A-1/contacts/8", new DateOnly(2026, 1, 15), false));
    }

    [Fact]
    public void A_validation_notice_says_so_and_carries_the_dispute_deadline_and_a_letter_without_next_stage_or_address_leaves_them_out()
    {
        var notice = Content with { NextStage = null, NextStageOn = null, Address = null, DisputeBy = new DateOnly(2026, 2, 15) };

        var text = LetterDocument.Render(notice, "Jane Doe", "L1/A-1/contacts/1", new DateOnly(2026, 1, 9), validationNotice: true);

        Assert.StartsWith("DEBT VALIDATION NOTICE\n", text, StringComparison.Ordinal);
        Assert.Contains("To:\n  Jane Doe\n\nAmounts owed", text, StringComparison.Ordinal);
        Assert.EndsWith("(10 days past due).\nYou may dispute this debt, or any part of it, until 2026-02-15.\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("moves to", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Letters_and_the_US_validation_notice_by_email_are_kept_and_other_contacts_are_not()
    {
        var record = Records.Account().InTimeZone("America/New_York").Currency("USD").With("email", "jane@example.com").Build();
        var at = record.AtDpd(4);
        var us = SegmentTests.InForceOf("""{ "compliance": { "profile": "US" } }""");
        var state = Opened(record, at, us);
        var notice = state.Contacts.Outbox.Single(p => p.Id == state.Contacts.ValidationNoticeId);
        Assert.Equal(ContactChannel.Email, notice.Channel);
        var letter = Assert.Single(state.Contacts.Outbox, p => p.Channel == ContactChannel.Letter);

        Assert.True(AccountLifecycle.KeepsLetter(state, notice));
        Assert.True(AccountLifecycle.KeepsLetter(state, letter));
        Assert.False(AccountLifecycle.KeepsLetter(state, letter with { Channel = ContactChannel.Sms }));
        var text = AccountLifecycle.LetterOf(state, notice, AccountLifecycle.ContentOf(state, notice, at, us.Rules), at);
        Assert.StartsWith("DEBT VALIDATION NOTICE", text, StringComparison.Ordinal);
        Assert.Contains($"Reference: L1/{record.AccountRef}/contacts/{notice.Id}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_letter_is_recorded_once_per_contact_as_a_letter_document_linked_to_the_contact()
    {
        var record = Records.Account().Build();
        var at = record.AtDpd(4);
        var state = Opened(record, at, InForce.Standard);
        var stored = new StoredContent("ab12", 321, "ab12");

        var kept = Assert.IsType<DocumentAdded>(Assert.Single(AccountLifecycle.KeepLetter(state, 5, "Early.Letter", stored).Events));
        state = AccountLifecycle.Apply(state, new AccountEvent(state.Version + 1, at, AccountLifecycle.SystemActor, kept));

        Assert.Equal(
            new DocumentAdded("D1", DocumentKind.Letter, "Sent as contact 5 (template Early.Letter).", "letter-5.txt", LetterDocument.ContentType, 321, "ab12", "ab12"),
            kept);
        Assert.True(AccountLifecycle.KeepLetter(state, 5, "Early.Letter", stored).Events.IsEmpty);
        Assert.Equal("D2", Assert.IsType<DocumentAdded>(Assert.Single(AccountLifecycle.KeepLetter(state, 6, "Early.Letter", stored).Events)).DocumentId);
    }

    /// <summary>The account as opened, with the contacts then due in its outbox, every event recorded by the system.</summary>
    private static AccountState Opened(AccountRecord record, DateTimeOffset at, StrategyInForce strategy)
    {
        var opened = AccountLifecycle.Upsert(null, "L1", record, at, strategy).Decision.Events;
        var state = opened.Aggregate((AccountState?)null, (s, e) => AccountLifecycle.Apply(s, new AccountEvent((s?.Version ?? 0) + 1, at, AccountLifecycle.SystemActor, e)))!;
        var due = AccountLifecycle.DueContacts(state, at, strategy.Rules);
        return due.Aggregate(state, (s, e) => AccountLifecycle.Apply(s, new AccountEvent(s.Version + 1, at, AccountLifecycle.SystemActor, e)));
    }
}
