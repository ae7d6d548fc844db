using System.Text;

namespace Collections.Testing;

/// <summary>Texts as the UTF-8 bytes an event store is given to append.</summary>
public static class Utf8
{
    public static ReadOnlyMemory<byte> Text(string text) => Encoding.UTF8.GetBytes(text);

    public static ReadOnlyMemory<byte>[] Texts(params IEnumerable<string> texts) => [.. texts.Select(Text)];
}
