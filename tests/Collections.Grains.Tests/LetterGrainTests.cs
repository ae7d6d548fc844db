using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using static Collections.Grains.Tests.Accounts;

namespace Collections.Grains.Tests;

/// <summary>The letters an account sends through the gateway, kept as documents in the cluster's document store.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LetterGrainTests(ClusterFixture fixture)
{
    private const string Actor = "lender:L-test";

    [Fact]
    public async Task A_sent_letter_is_a_document_of_the_system_whose_stored_bytes_have_its_sha256_and_say_what_was_sent()
    {
        var accountRef = NewRef();
        var grain = fixture.Client.Grain(accountRef);
        var record = Record(accountRef, fixture.Today.AddDays(-10));
        await grain.UpsertAsync(record with { Debtor = record.Debtor with { Address = "No. 1 Renmin Road, Shanghai" } }, Actor);
        var records = fixture.Client.GetGrain<IAccountRecordsGrain>(AccountKey.For(Lender, accountRef));

        // Early: the default plan's letter goes out at once through the simulated gateway.
        await fixture.Eventually(async () => (await records.GetDocumentsAsync(null))!.Value.Any(d => d.Kind == DocumentKind.Letter), "the letter is kept");
        var letter = Assert.Single((await records.GetDocumentsAsync(null))!.Value);
        var events = (await grain.GetEventsAsync(0, 1000))!.Items.Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var sent = events.Single(e => e.GetProperty("type").GetString() == "ContactSent" && e.GetProperty("data").GetProperty("channel").GetString() == "Letter");
        var contactId = sent.GetProperty("data").GetProperty("contactId").GetInt64();
        var added = events.Single(e => e.GetProperty("type").GetString() == "DocumentAdded");

        Assert.Equal((AccountLifecycle.SystemActor, $"letter-{contactId}.txt"), (letter.AddedBy, letter.FileName));
        Assert.Contains($"contact {contactId}", letter.Note, StringComparison.Ordinal);
        Assert.Equal(AccountLifecycle.SystemActor, added.GetProperty("actor").GetString());
        Assert.True(added.GetProperty("seq").GetInt64() > sent.GetProperty("seq").GetInt64(), "the letter is recorded with its send");
        await using var stored = await fixture.Documents.OpenAsync(letter.StorageId, CancellationToken.None);
        using var copy = new MemoryStream();
        await stored!.CopyToAsync(copy);
        Assert.Equal((letter.Sha256, letter.Size), (Convert.ToHexStringLower(SHA256.HashData(copy.ToArray())), copy.Length));
        var text = Encoding.UTF8.GetString(copy.ToArray());
        Assert.Contains("Template:  Early.Letter", text, StringComparison.Ordinal);
        Assert.Contains("  No. 1 Renmin Road\n  Shanghai\n", text, StringComparison.Ordinal);
        Assert.Contains($"Oldest unpaid due date: {BusinessCalendar.Iso(record.DueDate)} (10 days past due).", text, StringComparison.Ordinal);

        // Later wakes send calls, not letters: still one letter, for the one letter sent.
        await fixture.AdvanceAsync(TimeSpan.FromDays(2));
        Assert.Single((await records.GetDocumentsAsync(null))!.Value);
        var page = (await grain.GetEventsAsync(0, 1000))!.Items.Select(e => JsonDocument.Parse(e).RootElement);
        Assert.Single(page, e => e.GetProperty("type").GetString() == "ContactSent" && e.GetProperty("data").GetProperty("channel").GetString() == "Letter");
    }
}
