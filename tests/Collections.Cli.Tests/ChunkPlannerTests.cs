using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Collections.Cli.Import;
using CsvHelper;
using CsvHelper.Configuration;

namespace Collections.Cli.Tests;

/// <summary>
/// The line numbers the API reports for one chunk's request map back to the file's own lines. Each test
/// row names the file line it starts on (R7 starts on line 7); the API's own CSV reader (CsvHelper, same
/// settings) and its NDJSON line counting are run over every chunk, and the mapped numbers must agree.
/// </summary>
public sealed partial class ChunkPlannerTests
{
    /// <summary>A CSV with everything that makes lines and rows differ: blank lines, CRLF, quoted line breaks, stray quotes, no final newline.</summary>
    private static readonly string[] CsvLines =
    [
        "accountRef,borrowerName,note",
        "R2,Zhang San,plain",
        "",
        "R4,\"Li, Si\",comma in quotes",
        "R5,\"Wang",
        "Wu, \"\"Jr\"\"\",a quoted field across lines",
        "R7,Zhao Liu,crlf\r",
        "   ",
        "R9,ab\"c,a quote inside an unquoted field",
        "  R10 , \"Qian",
        "",
        "Qi\" ,blank line inside quotes",
        "R13,Sun Ba,plain",
        "R14,Zhou Jiu,plain",
        "R15,Wu Shi,\"multi",
        "line",
        "note\"",
        "R18,Zheng,last line without a newline",
    ];

    public static TheoryData<int> ChunkSizes => [1, 2, 3, 4, 5, 7, 50_000, 0];

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void Csv_line_numbers_the_API_reports_for_a_chunk_map_back_to_the_file_lines(int rowsPerChunk)
    {
        var file = Encoding.UTF8.GetBytes(string.Join('\n', CsvLines));

        var planner = ChunkPlanner.Open(new MemoryStream(file), ImportFormat.Csv);
        var chunks = planner.Chunks(rowsPerChunk).ToList();

        Assert.Equal(Encoding.UTF8.GetBytes(CsvLines[0] + "\n"), planner.Header.ToArray());
        Assert.Equal(file[planner.Header.Length..], chunks.SelectMany(c => file.AsSpan((int)c.Offset, (int)c.Length).ToArray()).ToArray());
        var seen = new List<long>();
        foreach (var chunk in chunks)
        {
            var body = planner.Header.ToArray().Concat(file.AsSpan((int)chunk.Offset, (int)chunk.Length).ToArray()).ToArray();
            foreach (var (requestLine, fields) in ReadLikeTheApi(body))
            {
                var expected = long.Parse(RowLine().Match(fields[0]).Groups[1].Value, CultureInfo.InvariantCulture);
                Assert.Equal(expected, chunk.FileLine(requestLine));
                seen.Add(expected);
            }
        }

        Assert.Equal([2, 4, 5, 7, 9, 10, 13, 14, 15, 18], seen);
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Index));
        Assert.Equal(18, chunks[^1].LastLine);
    }

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void Ndjson_line_numbers_the_API_reports_for_a_chunk_map_back_to_the_file_lines(int rowsPerChunk)
    {
        string[] lines =
        [
            """{"accountRef":"N1"}""", "", """{"accountRef":"N3"}""", "not json N4", "   ", """{"accountRef":"N6"}""",
            """{"accountRef":"N7"}""", "\r", """{"accountRef":"N9"}""", """{"accountRef":"N10"}""",
        ];
        var file = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(string.Join('\n', lines))).ToArray();

        var planner = ChunkPlanner.Open(new MemoryStream(file), ImportFormat.Ndjson);
        var chunks = planner.Chunks(rowsPerChunk).ToList();

        Assert.True(planner.Header.IsEmpty);
        Assert.Equal(3, chunks[0].Offset);
        var seen = new List<long>();
        foreach (var chunk in chunks)
        {
            var body = Encoding.UTF8.GetString(file.AsSpan((int)chunk.Offset, (int)chunk.Length));
            var requestLines = body.Split('\n');
            for (var i = 0; i < requestLines.Length; i++)
            {
                if (RowLine().Match(requestLines[i]) is { Success: true } match)
                {
                    var expected = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                    Assert.Equal(expected, chunk.FileLine(i + 1));
                    seen.Add(expected);
                }
            }
        }

        Assert.Equal([1, 3, 4, 6, 7, 9, 10], seen);
    }

    [Fact]
    public void Chunks_hold_the_asked_number_of_rows_and_the_last_one_the_rest()
    {
        var file = Encoding.UTF8.GetBytes("h\n" + string.Concat(Enumerable.Range(0, 10).Select(i => $"r{i}\n")));

        var chunks = ChunkPlanner.Open(new MemoryStream(file), ImportFormat.Csv).Chunks(4).ToList();

        Assert.Equal([4L, 4, 2], chunks.Select(c => c.Rows));
        Assert.Equal([2L, 6, 10], chunks.Select(c => c.FirstLine));
        Assert.Equal([5L, 9, 11], chunks.Select(c => c.LastLine));
        Assert.All(chunks, c => Assert.Empty(c.Anchors));
    }

    [Fact]
    public void A_file_larger_than_the_scan_buffer_is_cut_on_row_boundaries()
    {
        var rows = Enumerable.Range(2, 20_000).Select(i => $"R{i},\"name {i}\",{new string('x', i % 97)}").ToList();
        var file = Encoding.UTF8.GetBytes("accountRef,borrowerName,note\n" + string.Join("\n", rows) + "\n");

        var planner = ChunkPlanner.Open(new MemoryStream(file), ImportFormat.Csv);
        var chunks = planner.Chunks(3_000).ToList();

        Assert.Equal(7, chunks.Count);
        Assert.Equal(file.Length - planner.Header.Length, chunks.Sum(c => c.Length));
        foreach (var chunk in chunks)
        {
            Assert.Equal((byte)'\n', file[chunk.Offset + chunk.Length - 1]);
            var first = Encoding.UTF8.GetString(file, (int)chunk.Offset, 12);
            Assert.StartsWith($"R{chunk.FirstLine},", first, StringComparison.Ordinal);
            Assert.Equal(chunk.FirstLine + 1_234, chunk.FileLine(1_234 + 2));
        }
    }

    [Fact]
    public void An_empty_or_header_only_file_is_still_one_request_so_the_API_can_say_what_is_wrong()
    {
        var empty = ChunkPlanner.Open(new MemoryStream([]), ImportFormat.Csv).Chunks(10).ToList();
        var headerOnly = ChunkPlanner.Open(new MemoryStream("accountRef,currency\n"u8.ToArray()), ImportFormat.Csv).Chunks(10).ToList();

        Assert.Equal(0, Assert.Single(empty).Rows);
        Assert.Equal(0, Assert.Single(headerOnly).Length);
    }

    [Fact]
    public void A_first_row_longer_than_any_header_is_refused_before_anything_is_sent()
    {
        var file = Encoding.UTF8.GetBytes(new string('a', ChunkPlanner.MaxHeaderBytes + 10) + "\nrow\n");

        var error = Assert.Throws<CliException>(() => ChunkPlanner.Open(new MemoryStream(file), ImportFormat.Csv));

        Assert.Contains("header row is longer", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The API's CSV reading: CsvHelper with the same settings, blank rows skipped, <c>Row</c> as the line.</summary>
    private static List<(long Line, string[] Fields)> ReadLikeTheApi(byte[] body)
    {
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim, BadDataFound = null };
        using var parser = new CsvParser(new StreamReader(new MemoryStream(body)), configuration);
        Assert.True(parser.Read());
        var rows = new List<(long, string[])>();
        while (parser.Read())
        {
            var row = parser.Record!;
            if (row.Length == 1 && string.IsNullOrWhiteSpace(row[0]))
            {
                continue;
            }

            rows.Add((parser.Row, row));
        }

        return rows;
    }

    [GeneratedRegex(@"[RN](\d+)")]
    private static partial Regex RowLine();
}
