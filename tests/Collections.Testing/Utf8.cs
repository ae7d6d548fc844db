using System.Text;

namespace Collections.Testing;

/// <summary>Texts as the UTF-8 bytes an event store is given to append.</summary>
public static class Utf8
{
    public static ReadOnlyMemory<byte> Text(string text) => Encoding.UTF8.GetBytes(text);

    public static ReadOnlyMemory<byte>[] Texts(params IEnumerable<string> texts) => [.. texts.Select(Text)];

    /// <summary>The text of UTF-8 bytes (a stored snapshot, to compare with what was written).</summary>
    public static string Decode(ReadOnlyMemory<byte> bytes) => Encoding.UTF8.GetString(bytes.Span);
}
