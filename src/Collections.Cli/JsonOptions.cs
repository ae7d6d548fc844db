using System.Text.Encodings.Web;
using System.Text.Json;

namespace Collections.Cli;

internal static class JsonOptions
{
    /// <summary>For people and files, never HTML: indented, with names in Chinese and phones like "+86…" left as they are.</summary>
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
