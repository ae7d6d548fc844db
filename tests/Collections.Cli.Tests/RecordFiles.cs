using System.Globalization;
using System.Text;
using System.Text.Json;
using Collections.Cli.Generate;
using Collections.Cli.Import;
using CsvHelper;
using CsvHelper.Configuration;

namespace Collections.Cli.Tests;

/// <summary>Generated files in memory, and their lines read back as text fields the way the API reads them.</summary>
public static class RecordFiles
{
    public static readonly DateOnly Today = new(2026, 11, 20);

    public static byte[] Generate(int accounts, ImportFormat format, int seed = 1, DateOnly? today = null)
    {
        using var stream = new MemoryStream();
        using (var writer = AccountFileWriter.Create(stream, format))
        {
            foreach (var account in new PortfolioGenerator(seed, today ?? Today).Generate(accounts))
            {
                writer.Write(account);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Each record of a CSV body as header → value (empty is absent), as the API's CSV reader builds them.</summary>
    public static List<Dictionary<string, string?>> ReadCsv(byte[] body)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim, BadDataFound = null };
        using var parser = new CsvParser(new StreamReader(new MemoryStream(body), Encoding.UTF8), configuration);
        Assert.True(parser.Read());
        var header = parser.Record!;
        var records = new List<Dictionary<string, string?>>();
        while (parser.Read())
        {
            var row = parser.Record!;
            Assert.Equal(header.Length, row.Length);
            records.Add(header.Zip(row).ToDictionary(p => p.First, p => p.Second.Length == 0 ? null : p.Second, StringComparer.Ordinal));
        }

        return records;
    }

    /// <summary>Each NDJSON line as name → text: strings as they are, numbers as written (as the API reads them).</summary>
    public static List<Dictionary<string, string?>> ReadNdjson(byte[] body)
    {
        var records = new List<Dictionary<string, string?>>();
        foreach (var line in Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = JsonDocument.Parse(line);
            records.Add(document.RootElement.EnumerateObject().ToDictionary(
                p => p.Name,
                p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText(),
                StringComparer.Ordinal));
        }

        return records;
    }

    public static List<Dictionary<string, string?>> Read(byte[] body, ImportFormat format) =>
        format == ImportFormat.Csv ? ReadCsv(body) : ReadNdjson(body);
}
