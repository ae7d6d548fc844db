namespace Collections.Cli.Import;

public enum ImportFormat
{
    Csv,
    Ndjson,
}

public static class ImportFormats
{
    public static string MediaType(this ImportFormat format) => format == ImportFormat.Csv ? "text/csv" : "application/x-ndjson";

    /// <summary>The format named by <c>--format</c>, else the one the file's extension says.</summary>
    public static ImportFormat Resolve(string? option, string path)
    {
        if (!string.IsNullOrEmpty(option))
        {
            return Parse(option) ?? throw new CliException($"--format '{option}' is not a format; use csv or ndjson.");
        }

        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => ImportFormat.Csv,
            ".ndjson" or ".jsonl" => ImportFormat.Ndjson,
            var extension => throw new CliException(
                $"Cannot tell the format of '{Path.GetFileName(path)}' from its extension '{extension}'; name it .csv or .ndjson, or pass --format csv|ndjson."),
        };
    }

    public static ImportFormat? Parse(string text) => text.ToLowerInvariant() switch
    {
        "csv" => ImportFormat.Csv,
        "ndjson" or "jsonl" => ImportFormat.Ndjson,
        _ => null,
    };
}
