using System.Text;
using System.Text.Json;
using Collections.Domain.Accounts;
using Collections.Domain.Events;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Accounts;

public class AccountEventJsonTests
{
    [Fact]
    public void Every_event_of_an_accounts_history_round_trips_through_its_stored_JSON()
    {
        var record = Records.Account().Installment(300.00m).Build();
        // Cured in Mid: an account in Legal would stay open until paid in full.
        var account = AccountHarness.Opened(record, record.AtDpd(40));
        account.Upsert(Records.Account().Owing(900.00m).Installment(300.00m).Build(), record.AtDpd(41));
        account.Pay("P1", 300.00m, record.AtDpd(42));
        var delinquentAgain = Records.Account().Owing(600.00m).Installment(300.00m).DueOn(new DateOnly(2026, 6, 1)).Build();
        account.Upsert(delinquentAgain, delinquentAgain.AtDpd(20));

        Assert.Equal(
            ["AccountOpened", "StageEntered", "AccountUpdated", "PaymentReceived", "AccountClosed", "AccountReopened", "ContactPlanned", "ContactDispatchRequested"],
            account.History.Select(e => e.Type).Distinct());
        foreach (var e in account.History)
        {
            var json = AccountEventJson.Serialize(e);
            var back = AccountEventJson.Deserialize(json);

            Assert.Equal(AccountEventJson.Serialize(back), json);
            Assert.Equal((e.Seq, e.At, e.Actor, e.Type), (back.Seq, back.At, back.Actor, back.Type));
            if (e.Data is not AccountUpdated)
            {
                Assert.Equal(e.Data, back.Data);
            }
        }
    }

    [Fact]
    public void The_bytes_a_store_writes_are_the_UTF8_of_the_stored_JSON_text_so_earlier_events_read_alike()
    {
        var record = Records.Account().With("borrowerName", "李雷 “Lei”").With("address", "北京市 <1> & 2").Build();
        var account = AccountHarness.Opened(record, record.AtDpd(20));
        account.Pay("P-é", 100.00m, record.AtDpd(21));

        Assert.NotEmpty(account.History);
        foreach (var e in account.History)
        {
            Assert.Equal(Encoding.UTF8.GetBytes(AccountEventJson.Serialize(e)), AccountEventJson.SerializeToUtf8Bytes(e));
        }
    }

    [Fact]
    public void A_stored_event_names_its_type_by_discriminator_and_never_by_a_NET_type_name()
    {
        var at = new DateTimeOffset(2026, 4, 10, 2, 0, 0, TimeSpan.Zero);
        var e = new AccountEvent(4, at, "engine", new StageEntered(Stage.Legal, 95, 91, InForce.Standard.Ref));

        using var json = JsonDocument.Parse(AccountEventJson.Serialize(e));

        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("seq").GetInt64());
        Assert.Equal("StageEntered", root.GetProperty("type").GetString());
        Assert.Equal("engine", root.GetProperty("actor").GetString());
        Assert.Equal("Legal", root.GetProperty("data").GetProperty("stage").GetString());
        Assert.Equal("Champion", root.GetProperty("data").GetProperty("strategy").GetProperty("variant").GetString());
        Assert.DoesNotContain("Collections.Domain", root.GetRawText());
    }

    [Fact]
    public void The_state_snapshot_round_trips_through_the_domain_JSON()
    {
        var record = Records.Account().Installment(300.00m).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(40));
        account.Pay("P1", 100.00m, record.AtDpd(41));

        var json = JsonSerializer.Serialize(account.State, DomainJson.Options);
        var back = JsonSerializer.Deserialize<AccountState>(json, DomainJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, DomainJson.Options));
        Assert.Equal(account.State.Balance, back.Balance);
        Assert.Equal(account.State.Stage, back.Stage);
        Assert.Equal(account.State.Record, back.Record);
        Assert.Equal(100.00m, back.Payments["P1"]);
    }
}
