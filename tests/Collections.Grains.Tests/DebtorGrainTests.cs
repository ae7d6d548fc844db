using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using static Collections.Grains.Tests.Accounts;

namespace Collections.Grains.Tests;

/// <summary>Two or more accounts of one person (same customerId) on the 3-silo cluster, judged by one debtor grain.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DebtorGrainTests(ClusterFixture fixture)
{
    private const string Actor = "lender:L-test";

    private IGrainFactory Grains => fixture.Client;

    /// <summary>Accounts of one new person in Notice (SMS only, so the engine makes no call of its own).</summary>
    private async Task<(string CustomerId, string[] Refs)> PersonAsync(int accounts)
    {
        var customerId = $"C-{Guid.NewGuid():N}";
        var refs = Enumerable.Range(0, accounts).Select(_ => NewRef()).ToArray();
        foreach (var accountRef in refs)
        {
            await Grains.Grain(accountRef).UpsertAsync(Record(accountRef, fixture.Today.AddDays(-1)) with { CustomerId = customerId }, Actor);
        }

        return (customerId, refs);
    }

    private IAccountContactsGrain Contacts(string accountRef) => Grains.GetGrain<IAccountContactsGrain>(AccountKey.For(Lender, accountRef));

    /// <summary>A conversation at noon UTC (the accounts' zone) of the last business day that reached it: inside the CN window.</summary>
    private TeamContact Conversation(int minute)
    {
        var now = fixture.Time.GetUtcNow();
        var noon = new DateTimeOffset(now.UtcDateTime.Date.AddHours(12), TimeSpan.Zero);
        return new(ContactChannel.Call, ContactOutcome.Conversation, (noon <= now ? noon : noon.AddDays(-1)).AddMinutes(minute));
    }

    [Fact]
    public async Task Two_accounts_of_one_person_racing_for_the_last_effective_call_of_the_day_never_both_get_it()
    {
        for (var person = 0; person < 6; person++)
        {
            var (_, refs) = await PersonAsync(2);
            Assert.Null((await Contacts(refs[0]).RecordContactAsync(Conversation(0), Actor)).Rule);
            Assert.Null((await Contacts(refs[1]).RecordContactAsync(Conversation(1), Actor)).Rule);

            var raced = await Task.WhenAll(Contacts(refs[0]).RecordContactAsync(Conversation(2), Actor), Contacts(refs[1]).RecordContactAsync(Conversation(2), Actor));

            Assert.Single(raced, r => r.Rule is null);
            var violation = Assert.Single(raced, r => r.Rule is not null);
            Assert.Equal((ContactRules.EffectiveCallsPerDay, true), (violation.Rule, violation.Recorded));
        }
    }

    [Fact]
    public async Task The_debtor_lists_the_persons_accounts_and_a_cease_communication_on_one_stops_contact_on_the_other()
    {
        var (customerId, refs) = await PersonAsync(2);
        await Grains.Grain(refs[0]).PlaceHoldAsync(HoldType.CeaseCommunication, null, Actor);

        var permission = await Contacts(refs[1]).GetContactPermissionAsync(ContactChannel.Letter);
        Assert.Equal((false, ContactRules.CeaseCommunication), (permission!.Allowed, permission.Rule));

        var view = await Grains.GetGrain<IDebtorGrain>(DebtorKey.For(Lender, customerId)).GetViewAsync();
        Assert.Equal(refs.Order(), view!.Accounts.Select(a => a.AccountRef).Order());
        Assert.Equal(HoldType.CeaseCommunication, Assert.Single(view.Holds).Type);
        Assert.Null(await Grains.GetGrain<IDebtorGrain>(DebtorKey.For(Lender, "C-nobody")).GetViewAsync());
    }

    [Fact]
    public async Task An_account_whose_customerId_changes_moves_from_the_old_person_to_the_new_one_with_its_person_holds()
    {
        var (oldCustomer, refs) = await PersonAsync(2);
        var (newCustomer, others) = await PersonAsync(1);
        await Grains.Grain(refs[0]).PlaceHoldAsync(HoldType.CeaseCommunication, null, Actor);

        await Grains.Grain(refs[0]).UpsertAsync(Record(refs[0], fixture.Today.AddDays(-1)) with { CustomerId = newCustomer }, Actor);

        var old = await Grains.GetGrain<IDebtorGrain>(DebtorKey.For(Lender, oldCustomer)).GetViewAsync();
        Assert.Equal([refs[1]], old!.Accounts.Select(a => a.AccountRef));
        Assert.Empty(old.Holds);
        Assert.True((await Contacts(refs[1]).GetContactPermissionAsync(ContactChannel.Letter))!.Allowed);
        var moved = await Grains.GetGrain<IDebtorGrain>(DebtorKey.For(Lender, newCustomer)).GetViewAsync();
        Assert.Equal(new[] { refs[0], others[0] }.Order(StringComparer.Ordinal), moved!.Accounts.Select(a => a.AccountRef).Order(StringComparer.Ordinal));
        Assert.Equal(ContactRules.CeaseCommunication, (await Contacts(others[0]).GetContactPermissionAsync(ContactChannel.Letter))!.Rule);

        // Without a customerId at all it is its own debtor: the last account leaving makes the person unknown (404).
        await Grains.Grain(refs[1]).UpsertAsync(Record(refs[1], fixture.Today.AddDays(-1)), Actor);
        Assert.Null(await Grains.GetGrain<IDebtorGrain>(DebtorKey.For(Lender, oldCustomer)).GetViewAsync());
    }

    [Fact]
    public async Task An_account_without_a_customerId_is_its_own_debtor()
    {
        var (_, person) = await PersonAsync(1);
        var alone = NewRef();
        await Grains.Grain(alone).UpsertAsync(Record(alone, fixture.Today.AddDays(-1)), Actor);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null((await Contacts(person[0]).RecordContactAsync(Conversation(i), Actor)).Rule);
        }

        Assert.Null((await Contacts(alone).RecordContactAsync(Conversation(3), Actor)).Rule);
    }
}
