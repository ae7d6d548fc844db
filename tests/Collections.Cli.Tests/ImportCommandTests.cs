using System.Text;
using System.Text.RegularExpressions;
using Collections.Cli.Import;

namespace Collections.Cli.Tests;

/// <summary>The CLI's <c>import</c>, run in-process against the real host over loopback HTTP.</summary>
[Collection(HostCollection.Name)]
public sealed partial class ImportCommandTests(HostFixture host) : IDisposable
{
    private const string BadCsvLine = "BAD-1,installment,XXX,100.00,0,0,0,2026-01-01,,,Bad Currency,,,UTC,,,,,";
    private const string BadNdjsonLine = """{"accountRef":"BAD-2","currency":"CNY","principal":1.005,"dueDate":"2026-01-01","borrowerName":"Too Many Decimals"}""";

    private readonly List<string> files = [];

    [Fact]
    public async Task A_csv_sent_in_chunks_creates_every_good_account_and_names_the_file_line_of_the_bad_one()
    {
        var lender = HostFixture.NewLender();
        // Header on line 1, generated rows on 2–13, the bad row on line 9 (in the second request of five lines).
        var path = WriteFile(".csv", Insert(Generated(12, ImportFormat.Csv), afterLine: 8, BadCsvLine));

        var run = await CliRunner.RunAsync([.. host.Connection, "import", path, "--lender", lender, "--chunk-lines", "5"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["13", "12", "0", "0", "1"], SummaryRow(run.Output));
        Assert.Matches(RejectedRow(9, "BAD-1", "currency"), run.Output);
        Assert.Contains("in 3 request(s)", run.Output, StringComparison.Ordinal);

        var again = await CliRunner.RunAsync([.. host.Connection, "import", path, "--lender", lender, "--chunk-lines", "5"]);
        Assert.Equal(["13", "0", "0", "12", "1"], SummaryRow(again.Output));
    }

    [Fact]
    public async Task An_ndjson_import_with_a_progress_bar_maps_lines_across_chunks_and_blank_lines()
    {
        var lender = HostFixture.NewLender();
        var lines = Generated(20, ImportFormat.Ndjson);
        lines.Insert(3, "");
        lines.Insert(14, BadNdjsonLine);
        var path = WriteFile(".ndjson", lines);
        var rejects = WriteFile(".csv", []);

        var run = await CliRunner.RunAsync(null, interactive: true,
            [.. host.Connection, "import", path, "--lender", lender, "--chunk-lines", "4", "--rejects", rejects]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["21", "20", "0", "0", "1"], SummaryRow(run.Output));
        Assert.Matches(RejectedRow(15, "BAD-2", "more than 2 decimals"), run.Output);
        var rejected = await File.ReadAllLinesAsync(rejects);
        Assert.Equal(2, rejected.Length);
        Assert.Equal("line,accountRef,error", rejected[0]);
        Assert.StartsWith("15,BAD-2,", rejected[1], StringComparison.Ordinal);

        var account = await CliRunner.RunAsync([.. host.Connection, "account", "show", lender, "ACC-00000020", "--json"]);
        Assert.Equal(0, account.ExitCode);
        Assert.Contains("\"accountRef\": \"ACC-00000020\"", account.Plain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_whole_file_in_one_request_reports_the_same_lines()
    {
        var lender = HostFixture.NewLender();
        var path = WriteFile(".csv", Insert(Generated(6, ImportFormat.Csv), afterLine: 4, BadCsvLine));

        var run = await CliRunner.RunAsync([.. host.Connection, "import", path, "--lender", lender, "--chunk-lines", "0"]);

        Assert.Equal(["7", "6", "0", "0", "1"], SummaryRow(run.Output));
        Assert.Matches(RejectedRow(5, "BAD-1", "currency"), run.Output);
    }

    [Fact]
    public async Task A_csv_header_the_API_refuses_stops_the_import_with_its_problem_and_a_failure_exit_code()
    {
        var path = WriteFile(".csv", ["accountRef,currency,colour", "A-1,CNY,red"]);

        var run = await CliRunner.RunAsync([.. host.Connection, "import", path, "--lender", HostFixture.NewLender()]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error 400", run.Output, StringComparison.Ordinal);
        Assert.Contains("'colour'", run.Output, StringComparison.Ordinal);
        Assert.Contains("Run the same command again", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_key_prints_the_problem_with_a_hint_and_never_the_key()
    {
        var path = WriteFile(".csv", Generated(2, ImportFormat.Csv));
        const string key = "not-a-real-key-7f3a";

        var run = await CliRunner.RunAsync(["--url", host.Url, "--api-key", key, "import", path, "--lender", HostFixture.NewLender()]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error 401", run.Output, StringComparison.Ordinal);
        Assert.Contains("COLLECTIONS_API_KEY", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, run.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_url_and_key_can_come_from_the_environment()
    {
        var path = WriteFile(".csv", Generated(3, ImportFormat.Csv));
        var variables = new Dictionary<string, string> { ["COLLECTIONS_URL"] = host.Url, ["COLLECTIONS_API_KEY"] = HostFixture.AdminKey };

        var run = await CliRunner.RunAsync(variables, false, "import", path, "--lender", HostFixture.NewLender());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["3", "3", "0", "0", "0"], SummaryRow(run.Output));
        Assert.DoesNotContain(HostFixture.AdminKey, run.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_cannot_be_reached_is_named_with_its_url()
    {
        var path = WriteFile(".csv", Generated(2, ImportFormat.Csv));
        var url = $"http://127.0.0.1:{HostFixture.ClosedPort()}";

        var run = await CliRunner.RunAsync(["--url", url, "import", path, "--lender", "L1"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Could not reach {url}/", run.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var file in files)
        {
            File.Delete(file);
        }
    }

    private static List<string> Generated(int accounts, ImportFormat format) =>
        [.. Encoding.UTF8.GetString(RecordFiles.Generate(accounts, format, today: DateOnly.FromDateTime(DateTime.UtcNow))).TrimEnd('\n').Split('\n')];

    private static List<string> Insert(List<string> lines, int afterLine, string line)
    {
        lines.Insert(afterLine, line);
        return lines;
    }

    private string WriteFile(string extension, IEnumerable<string> lines)
    {
        var path = Path.Combine(Path.GetTempPath(), $"collections-cli-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, string.Join('\n', lines) + (lines.Any() ? "\n" : ""), new UTF8Encoding(false));
        files.Add(path);
        return path;
    }

    /// <summary>The numbers in the summary table's row: received, created, updated, unchanged, rejected.</summary>
    private static string[] SummaryRow(string output)
    {
        var lines = output.Split('\n');
        var header = Array.FindIndex(lines, l => l.Contains("received", StringComparison.Ordinal) && l.Contains("unchanged", StringComparison.Ordinal));
        Assert.True(header >= 0, output);
        return Numbers().Matches(lines[header + 2]).Select(m => m.Value).ToArray();
    }

    private static Regex RejectedRow(long line, string accountRef, string error) =>
        new($@"│\s*{line}\s*│\s*{Regex.Escape(accountRef)}\s*│[^\n]*{Regex.Escape(error)}");

    [GeneratedRegex(@"\d[\d,]*")]
    private static partial Regex Numbers();
}
