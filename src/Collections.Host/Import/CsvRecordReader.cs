using System.Globalization;
using System.Runtime.CompilerServices;
using Collections.Domain.Accounts;
using CsvHelper;
using CsvHelper.Configuration;

namespace Collections.Host.Import;

/// <summary>Streams CSV rows (header row first) from a request body as text fields, with CsvHelper.</summary>
public static class CsvRecordReader
{
    public static async IAsyncEnumerable<ImportLine> ReadAsync(Stream body, IReadOnlyCollection<string> knownColumns, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            MaxFieldSize = NdjsonReader.MaxLineBytes,
            TrimOptions = TrimOptions.Trim,
            BadDataFound = null,
        };
        using var text = new StreamReader(body);
        using var parser = new CsvParser(text, configuration);
        if (!await Read(parser))
        {
            throw new ImportFormatException("The CSV body is empty; send a header row first, then one row per record.");
        }

        var header = parser.Record ?? [];
        var unknown = header.Where(c => !knownColumns.Contains(c)).ToList();
        if (unknown.Count > 0)
        {
            throw new ImportFormatException(
                $"The CSV header has unknown column(s) {string.Join(", ", unknown.Select(c => $"'{c}'"))}; the columns are {string.Join(", ", knownColumns)}.");
        }

        var duplicates = header.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw new ImportFormatException($"The CSV header names {string.Join(", ", duplicates)} more than once.");
        }

        while (await Read(parser))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = parser.Record ?? [];
            long line = parser.Row;
            if (row.Length == 1 && string.IsNullOrWhiteSpace(row[0]))
            {
                continue;
            }

            if (row.Length != header.Length)
            {
                yield return new ImportLine(line, null, $"the row has {row.Length} fields but the header has {header.Length}");
                continue;
            }

            var fields = new Dictionary<string, string?>(header.Length, StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                fields[header[i]] = row[i].Length == 0 ? null : row[i];
            }

            yield return new ImportLine(line, fields, null);
        }
    }

    private static async Task<bool> Read(CsvParser parser)
    {
        try
        {
            return await parser.ReadAsync();
        }
        catch (MaxFieldSizeException)
        {
            throw new ImportFormatException(
                $"Row {parser.Row} has a field longer than {NdjsonReader.MaxLineBytes} characters (an unclosed quote?); the rows before it were processed.");
        }
    }

    /// <summary>Account import columns.</summary>
    public static IReadOnlyCollection<string> AccountColumns { get; } = [.. AccountRecordParser.Fields];
}
