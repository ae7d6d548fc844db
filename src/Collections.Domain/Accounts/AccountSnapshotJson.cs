using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Collections.Domain.Accounts;

/// <summary>
/// The stored form of an account's state (the snapshot beside its log): the domain JSON without what reading
/// it back restores by itself — null, zero and false values, empty lists and maps (the state's own defaults)
/// and values computed from others (a balance's total). An account's snapshot is rewritten with every append,
/// so this is bytes written, fsynced and kept per account (issue 19). Reading takes the full domain JSON of
/// earlier versions as well: a property that is there is read as before.
/// </summary>
public static class AccountSnapshotJson
{
    private static readonly JsonSerializerOptions Options = Create();

    public static string Serialize(AccountState state) => JsonSerializer.Serialize(state, Options);

    /// <summary>The same document as <see cref="Serialize"/>, as the UTF-8 bytes a store writes (no UTF-16 copy on the way).</summary>
    public static byte[] SerializeToUtf8Bytes(AccountState state) => JsonSerializer.SerializeToUtf8Bytes(state, Options);

    /// <summary>Reads a stored snapshot from its UTF-8 bytes (a store's own form: no UTF-16 copy on the way).</summary>
    public static AccountState Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize<AccountState>(utf8Json, Options) ?? throw new JsonException("An account snapshot is empty.");

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(DomainJson.Options)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { LeaveOutRestorable } },
        };
        options.MakeReadOnly();
        return options;
    }

    private static void LeaveOutRestorable(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in type.Properties)
        {
            if (property.Set is null && property.AssociatedParameter is null)
            {
                // Computed from the other properties (and ignored when read anyway).
                property.ShouldSerialize = static (_, _) => false;
            }
            else if (property.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.PropertyType))
            {
                // The state initialises its collections empty, so an empty one reads back as it was.
                property.ShouldSerialize = static (_, value) => value is IEnumerable items && items.GetEnumerator().MoveNext();
            }
        }
    }
}
