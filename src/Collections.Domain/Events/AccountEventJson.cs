using System.Text.Json;

namespace Collections.Domain.Events;

/// <summary>
/// The stored and published form of an event: <c>{"seq","at","type","actor","data"}</c>, the shape of
/// the API's audit trail, so a page of history is served without re-encoding.
/// </summary>
public static class AccountEventJson
{
    private sealed record Envelope(long Seq, DateTimeOffset At, string Type, string Actor, AccountEventData Data);

    public static string Serialize(AccountEvent e) =>
        JsonSerializer.Serialize(Wrap(e), DomainJson.Options);

    /// <summary>The same document as <see cref="Serialize"/>, as the UTF-8 bytes a store writes (no UTF-16 copy on the way).</summary>
    public static byte[] SerializeToUtf8Bytes(AccountEvent e) =>
        JsonSerializer.SerializeToUtf8Bytes(Wrap(e), DomainJson.Options);

    public static AccountEvent Deserialize(string json)
    {
        var envelope = JsonSerializer.Deserialize<Envelope>(json, DomainJson.Options)
            ?? throw new JsonException("An event is empty.");
        return new AccountEvent(envelope.Seq, envelope.At, envelope.Actor, envelope.Data);
    }

    private static Envelope Wrap(AccountEvent e) => new(e.Seq, e.At, e.Type, e.Actor, e.Data);
}
