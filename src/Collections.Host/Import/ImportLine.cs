namespace Collections.Host.Import;

/// <summary>
/// One line of an import body: its fields as text, or why the line could not even be read. Line numbers
/// are the file's own (a CSV header is line 1), so a lender can find the line to fix. A line can have
/// both fields and an error (a field of the wrong JSON type): the handler reports it with the rest.
/// </summary>
public sealed record ImportLine(long Line, IReadOnlyDictionary<string, string?>? Fields, string? Error)
{
    public string? Field(string name) => Fields is not null && Fields.TryGetValue(name, out var value) ? value : null;
}

/// <summary>The body as a whole cannot be read (a bad CSV header, a field past the size limit in CSV).</summary>
public sealed class ImportFormatException(string message) : Exception(message);
