using System.Text;
using System.Text.RegularExpressions;
using Collections.Cli.Import;

namespace Collections.Cli.Tests;

/// <summary><c>account</c>, <c>strategy</c> and <c>portfolio</c> against the real host.</summary>
[Collection(HostCollection.Name)]
public sealed partial class CommandTests(HostFixture host) : IDisposable
{
    private readonly List<string> files = [];

    [Fact]
    public async Task Account_show_draws_the_view_and_events_pages_through_the_whole_trail()
    {
        var lender = HostFixture.NewLender();
        await ImportAsync(lender, 5);

        var show = await CliRunner.RunAsync([.. host.Connection, "account", "show", lender, "ACC-00000001"]);
        var json = await CliRunner.RunAsync([.. host.Connection, "account", "show", lender, "ACC-00000001", "--json"]);
        var events = await CliRunner.RunAsync([.. host.Connection, "account", "events", lender, "ACC-00000001", "--page-size", "1"]);
        var ndjson = await CliRunner.RunAsync([.. host.Connection, "account", "events", lender, "ACC-00000001", "--page-size", "2", "--json"]);

        Assert.True(show.ExitCode == 0, show.All);
        Assert.Contains($"{lender} / ACC-00000001", show.Output, StringComparison.Ordinal);
        Assert.Contains("daysPastDue", show.Output, StringComparison.Ordinal);
        Assert.Contains("principal", show.Output, StringComparison.Ordinal);
        var eventCount = int.Parse(EventCount().Match(json.Plain).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(eventCount >= 1);
        Assert.True(events.ExitCode == 0, events.All);
        Assert.Contains($"{eventCount} event(s)", events.Output, StringComparison.Ordinal);
        Assert.Contains("AccountOpened", events.Output, StringComparison.Ordinal);
        Assert.Equal(eventCount, ndjson.Plain.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task An_unknown_account_prints_the_APIs_not_found_detail()
    {
        var run = await CliRunner.RunAsync([.. host.Connection, "account", "show", HostFixture.NewLender(), "NOPE-1"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error 404", run.Output, StringComparison.Ordinal);
        Assert.Contains("has no account 'NOPE-1'", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strategy_get_writes_a_document_that_strategy_set_sends_back_as_a_new_version()
    {
        var lender = HostFixture.NewLender();
        var path = TempFile(".json");

        var shown = await CliRunner.RunAsync([.. host.Connection, "strategy", "get", lender]);
        var saved = await CliRunner.RunAsync([.. host.Connection, "strategy", "get", lender, "--out", path]);
        var document = await File.ReadAllTextAsync(path);
        await File.WriteAllTextAsync(path, document.Replace("\"standard\"", "\"gentle\"", StringComparison.Ordinal));
        var set = await CliRunner.RunAsync([.. host.Connection, "strategy", "set", lender, path]);
        var after = await CliRunner.RunAsync([.. host.Connection, "strategy", "get", lender]);

        Assert.Equal(0, shown.ExitCode);
        Assert.Contains("version 1", shown.Output, StringComparison.Ordinal);
        Assert.Equal(0, saved.ExitCode);
        Assert.DoesNotContain("\"version\"", document, StringComparison.Ordinal);
        Assert.Equal(0, set.ExitCode);
        Assert.Contains("is now version 2", set.Output, StringComparison.Ordinal);
        Assert.Contains("gentle", after.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_strategy_lists_every_problem_by_path_and_changes_nothing()
    {
        var lender = HostFixture.NewLender();
        var path = TempFile(".json");
        await File.WriteAllTextAsync(path, """{"stages":{"Notice":10,"Early":5},"placement":{"durationDays":"long"}}""");

        var run = await CliRunner.RunAsync([.. host.Connection, "strategy", "set", lender, path]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error 400", run.Output, StringComparison.Ordinal);
        Assert.Contains("stages", run.Output, StringComparison.Ordinal);
        Assert.Contains("placement.durationDays", run.Output, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Portfolio_draws_tables_or_when_the_API_has_no_such_endpoint_prints_its_detail()
    {
        var lender = HostFixture.NewLender();
        await ImportAsync(lender, 3);

        var run = await CliRunner.RunAsync([.. host.Connection, "portfolio", lender]);

        if (run.ExitCode == 0)
        {
            Assert.Contains($"Portfolio of {lender}", run.Output, StringComparison.Ordinal);
            Assert.Contains("active", run.Output, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("Error 404", run.Output, StringComparison.Ordinal);
            Assert.Contains("/portfolio", run.Output, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        foreach (var file in files)
        {
            File.Delete(file);
        }
    }

    private async Task ImportAsync(string lender, int accounts)
    {
        var path = TempFile(".ndjson");
        await File.WriteAllBytesAsync(path, RecordFiles.Generate(accounts, ImportFormat.Ndjson, today: DateOnly.FromDateTime(DateTime.UtcNow)));
        var run = await CliRunner.RunAsync([.. host.Connection, "import", path, "--lender", lender]);
        Assert.True(run.ExitCode == 0, run.Output);
    }

    private string TempFile(string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), $"collections-cli-{Guid.NewGuid():N}{extension}");
        files.Add(path);
        return path;
    }

    [GeneratedRegex(@"""eventCount"":\s*(\d+)")]
    private static partial Regex EventCount();
}
