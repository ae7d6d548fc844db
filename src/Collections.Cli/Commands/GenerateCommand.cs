using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Collections.Cli.Generate;
using Collections.Cli.Import;
using Spectre.Console;

namespace Collections.Cli.Commands;

/// <summary><c>collections generate --accounts N</c>: a synthetic portfolio file to try the system with.</summary>
public static class GenerateCommand
{
    private const int ProgressStep = 10_000;

    public static Command Create(GlobalOptions global)
    {
        var accounts = new Option<long>("--accounts", "-n") { Description = "How many accounts", Required = true, HelpName = "n" };
        accounts.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 1)
            {
                r.AddError("--accounts must be at least 1.");
            }
        });
        var output = new Option<FileInfo?>("--out", "-o") { Description = "The file to write [default: standard output]", HelpName = "file" };
        var format = new Option<string?>("--format") { Description = "csv or ndjson [default: from --out's extension, else csv]", HelpName = "format" };
        format.AcceptOnlyFromAmong("csv", "ndjson");
        var seed = new Option<int>("--seed") { Description = "The same seed (and --today) gives the same file", DefaultValueFactory = _ => 1, HelpName = "seed" };
        var today = new Option<string?>("--today") { Description = "The date due dates count back from, yyyy-MM-dd [default: today, UTC]", HelpName = "date" };

        var command = new Command("generate", "Write a realistic synthetic portfolio (CNY and USD borrowers, 0–200 days past due) for import")
        {
            accounts, output, format, seed, today,
        };
        command.SetAction((result, cancellationToken) => global.RunAsync(() =>
        {
            var count = result.GetValue(accounts);
            var file = result.GetValue(output);
            var chosen = result.GetValue(format) is { } f ? ImportFormats.Parse(f)!.Value
                : file is not null && ImportFormats.Parse(file.Extension.TrimStart('.')) is { } byExtension ? byExtension
                : ImportFormat.Csv;
            var date = result.GetValue(today) is { } text
                ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                    ? parsed
                    : throw new CliException($"--today '{text}' is not a date in yyyy-MM-dd form.")
                : DateOnly.FromDateTime(DateTime.UtcNow);
            var generator = new PortfolioGenerator(result.GetValue(seed), date);

            // With the data on standard output, the words go to standard error.
            var console = file is null ? global.Environment.Error : global.Environment.Out;
            var clock = Stopwatch.StartNew();
            long bytes;
            using (Stream stream = file is null
                ? new BufferedStream(global.Environment.OpenStandardOutput(), 1 << 16)
                : new FileStream(file.FullName, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using (var writer = AccountFileWriter.Create(stream, chosen))
                {
                    if (file is not null && console.Profile.Capabilities.Interactive)
                    {
                        console.Progress()
                            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                            .Start(context =>
                            {
                                var task = context.AddTask("generating", maxValue: count);
                                Write(generator, writer, count, written => task.Value = written, cancellationToken);
                            });
                    }
                    else
                    {
                        Write(generator, writer, count, null, cancellationToken);
                    }
                }

                stream.Flush();
                bytes = file is null ? 0 : stream.Length;
            }

            var size = file is null ? "" : $", {ImportCommand.Bytes(bytes)}";
            var target = file is null ? "standard output" : file.FullName;
            console.MarkupLine(Markup.Escape(
                $"Wrote {count.ToString("N0", CultureInfo.InvariantCulture)} accounts ({chosen.ToString().ToLowerInvariant()}{size}) to {target} in {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; seed {result.GetValue(seed)}, due dates counted back from {date:yyyy-MM-dd}."));
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken));
        return command;
    }

    private static void Write(PortfolioGenerator generator, AccountFileWriter writer, long count, Action<long>? progress, CancellationToken cancellationToken)
    {
        long written = 0;
        foreach (var account in generator.Generate(count))
        {
            writer.Write(account);
            if (++written % ProgressStep == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Invoke(written);
            }
        }

        progress?.Invoke(written);
    }
}
