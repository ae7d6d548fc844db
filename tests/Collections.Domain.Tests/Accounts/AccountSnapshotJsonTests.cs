using System.Text;
using System.Text.Json;
using Collections.Domain.Accounts;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Accounts;

public class AccountSnapshotJsonTests
{
    /// <summary>The states of one account's life after each step: new, promised, paid, on a plan, settled, disputed, held, sued, contacted, closed.</summary>
    private static List<AccountState> States()
    {
        var debt = Records.Account().Owing(1000m, 200m, 0m, 50m).Build();
        DateTimeOffset At(int dpd) => debt.AtDpd(dpd);
        DateOnly Day(int dpd) => Records.DueDate.AddDays(dpd);
        var states = new List<AccountState>();
        var account = AccountHarness.Opened(debt, At(5));
        states.Add(account.State);
        void Then(Action step)
        {
            step();
            states.Add(account.State);
        }

        Then(() => account.Promise(100m, Day(6), At(5)));
        Then(() => account.AdvanceTo(At(9)));
        Then(() => account.Payment("P1", 100m, At(10)));
        Then(() => account.SubmitPlan(new PlanTerms([new PlanInstallment(Day(25), 1000m)], new Waiver(150m, 0, 0)), At(23)));
        Then(() => account.ApprovePlan(At(23)));
        Then(() => account.AdvanceTo(At(28)));
        Then(() => account.OfferSettlement(1000m, Day(30), At(28)));
        Then(() => account.OpenDispute("amount", At(31)));
        Then(() => account.PlaceHold(HoldType.Hardship, At(32), note: "job loss"));
        Then(() => account.Litigate(LitigationStep.Filed, At(95), caseReference: "C-1"));
        Then(() => account.Close(ClosedReason.WrittenOff, At(96)));
        return states;
    }

    [Fact]
    public void Every_state_of_an_accounts_life_reads_back_from_its_compact_snapshot_as_it_was()
    {
        foreach (var state in States())
        {
            var compact = AccountSnapshotJson.Serialize(state);
            var back = AccountSnapshotJson.Deserialize(Encoding.UTF8.GetBytes(compact));

            // The full domain JSON of what was read equals the state's: nothing left out was lost.
            Assert.Equal(JsonSerializer.Serialize(state, DomainJson.Options), JsonSerializer.Serialize(back, DomainJson.Options));
        }
    }

    [Fact]
    public void The_bytes_a_store_writes_are_the_UTF8_of_the_compact_snapshot_text()
    {
        var named = Records.Account().With("borrowerName", "李雷 “Lei”").Build();
        foreach (var state in States().Append(AccountHarness.Opened(named, named.AtDpd(5)).State))
        {
            Assert.Equal(Encoding.UTF8.GetBytes(AccountSnapshotJson.Serialize(state)), AccountSnapshotJson.SerializeToUtf8Bytes(state));
        }
    }

    [Fact]
    public void A_compact_snapshot_leaves_out_defaults_empty_collections_and_computed_totals()
    {
        var state = States()[0];

        var compact = AccountSnapshotJson.Serialize(state);
        var full = JsonSerializer.Serialize(state, DomainJson.Options);

        Assert.True(compact.Length < full.Length * 0.9, $"compact {compact.Length} chars, full {full.Length}");
        Assert.DoesNotContain("\"holds\"", compact, StringComparison.Ordinal);
        Assert.DoesNotContain("\"collected\"", compact, StringComparison.Ordinal);
        Assert.DoesNotContain("\"total\"", compact, StringComparison.Ordinal);
        Assert.Contains("\"version\"", compact, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_written_in_the_full_domain_JSON_of_earlier_versions_still_reads()
    {
        foreach (var state in States())
        {
            var earlier = JsonSerializer.Serialize(state, DomainJson.Options);

            var back = AccountSnapshotJson.Deserialize(Encoding.UTF8.GetBytes(earlier));

            Assert.Equal(earlier, JsonSerializer.Serialize(back, DomainJson.Options));
        }
    }
}
