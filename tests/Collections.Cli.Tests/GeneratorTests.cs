using System.Text.RegularExpressions;
using Collections.Cli.Generate;
using Collections.Cli.Import;
using Collections.Domain.Accounts;

namespace Collections.Cli.Tests;

public sealed partial class GeneratorTests
{
    private static readonly string[] ChinaZones = ["Asia/Shanghai", "Asia/Urumqi"];

    [Theory]
    [InlineData(ImportFormat.Csv)]
    [InlineData(ImportFormat.Ndjson)]
    public void Every_one_of_five_thousand_generated_records_passes_the_APIs_record_parser(ImportFormat format)
    {
        var records = RecordFiles.Read(RecordFiles.Generate(5_000, format), format);

        Assert.Equal(5_000, records.Count);
        var failures = records
            .Select(fields => (Ref: fields.GetValueOrDefault("accountRef"), Result: AccountRecordParser.Parse(fields)))
            .Where(r => !r.Result.IsValid)
            .Select(r => $"{r.Ref}: {r.Result.ErrorText}")
            .Take(10)
            .ToList();
        Assert.Empty(failures);
        Assert.Equal(5_000, records.Select(r => r["accountRef"]).Distinct().Count());
    }

    [Fact]
    public void The_generated_columns_are_exactly_the_fields_the_APIs_parser_knows_in_its_order() =>
        Assert.Equal(AccountRecordParser.Fields, SyntheticAccount.Fields);

    [Theory]
    [InlineData(ImportFormat.Csv)]
    [InlineData(ImportFormat.Ndjson)]
    public void The_same_seed_and_date_give_the_same_file_byte_for_byte_and_another_seed_another(ImportFormat format)
    {
        var first = RecordFiles.Generate(2_000, format, seed: 42);
        var again = RecordFiles.Generate(2_000, format, seed: 42);
        var other = RecordFiles.Generate(2_000, format, seed: 43);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void A_shorter_file_is_the_start_of_a_longer_one_with_the_same_seed()
    {
        var shorter = RecordFiles.Generate(100, ImportFormat.Ndjson, seed: 9);
        var longer = RecordFiles.Generate(1_000, ImportFormat.Ndjson, seed: 9);

        Assert.Equal(shorter, longer[..shorter.Length]);
    }

    [Fact]
    public void A_generated_portfolio_mixes_markets_products_and_buckets_like_a_real_book()
    {
        var records = RecordFiles.ReadCsv(RecordFiles.Generate(5_000, ImportFormat.Csv))
            .Select(fields => AccountRecordParser.Parse(fields).Record!)
            .ToList();

        var dpd = records.Select(r => RecordFiles.Today.DayNumber - r.DueDate.DayNumber).ToList();
        Assert.InRange(dpd.Min(), 0, 0);
        Assert.InRange(dpd.Max(), 181, 200);
        Assert.True(dpd.Count(d => d <= 30) > dpd.Count(d => d > 90), "most of a book is in the early buckets");
        Assert.Contains(dpd, d => d is > 120 and <= 180);

        var byCurrency = records.GroupBy(r => r.Currency).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(["CNY", "USD"], byCurrency.Keys.Order());
        Assert.InRange(byCurrency["CNY"].Count / 5_000.0, 0.6, 0.8);
        Assert.Equal(3, records.Select(r => r.Product).Distinct().Count());

        foreach (var account in byCurrency["CNY"])
        {
            Assert.Matches(Cjk(), account.Debtor.BorrowerName);
            Assert.Contains(account.Debtor.TimeZone, ChinaZones);
            Assert.True(account.Debtor.Phone is null || account.Debtor.Phone.StartsWith("+861", StringComparison.Ordinal), account.Debtor.Phone);
        }

        foreach (var account in byCurrency["USD"])
        {
            Assert.DoesNotMatch(Cjk(), account.Debtor.BorrowerName);
            Assert.True(account.Debtor.TimeZone.StartsWith("America/", StringComparison.Ordinal) || account.Debtor.TimeZone == "Pacific/Honolulu", account.Debtor.TimeZone);
            Assert.True(account.Debtor.Phone is null || UsFictionalPhone().IsMatch(account.Debtor.Phone), account.Debtor.Phone);
        }

        Assert.Contains(records, r => r.Debtor.TimeZone == "America/New_York");
        Assert.All(records, r => Assert.True(r.Balance.Principal > 0));
        Assert.Contains(records, r => r.Balance.Penalty > 0);
        Assert.Contains(records, r => r.Balance.Fees > 0);
        Assert.Contains(records, r => r.InstallmentAmount is not null);
        Assert.Contains(records, r => r.Score is null);
        Assert.All(records.Where(r => r.Score is not null), r => Assert.InRange(r.Score!.Value, 0, 1000));
        string[] fictitious = ["example.com", "example.net", "example.org"];
        Assert.All(records.Select(r => r.Debtor.Email).OfType<string>(), email => Assert.Contains(email[(email.IndexOf('@', StringComparison.Ordinal) + 1)..], fictitious));
    }

    [Fact]
    public async Task The_generate_command_writes_the_file_it_names_and_says_what_it_wrote()
    {
        var path = Path.Combine(Path.GetTempPath(), $"collections-{Guid.NewGuid():N}.ndjson");
        try
        {
            var run = await CliRunner.RunAsync("generate", "--accounts", "250", "--out", path, "--seed", "5", "--today", "2026-11-20");

            Assert.Equal(0, run.ExitCode);
            Assert.Contains("Wrote 250 accounts (ndjson", run.Output, StringComparison.Ordinal);
            var written = await File.ReadAllBytesAsync(path);
            Assert.Equal(RecordFiles.Generate(250, ImportFormat.Ndjson, seed: 5, today: new DateOnly(2026, 11, 20)), written);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_date_that_is_not_yyyy_MM_dd_is_refused_with_what_to_write_instead()
    {
        var run = await CliRunner.RunAsync("generate", "--accounts", "1", "--out", Path.Combine(Path.GetTempPath(), "never.csv"), "--today", "20/11/2026");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not a date in yyyy-MM-dd form", run.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Cjk();

    [GeneratedRegex(@"^\+1[2-9][0-9]{2}5550[1][0-9]{2}$")]
    private static partial Regex UsFictionalPhone();
}
