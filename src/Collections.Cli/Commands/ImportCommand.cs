using System.CommandLine;
using System.Globalization;
using Collections.Cli.Import;
using Collections.Cli.Rendering;
using Spectre.Console;

namespace Collections.Cli.Commands;

/// <summary><c>collections import FILE --lender L1</c>: streams a CSV or NDJSON file to the account import.</summary>
public static class ImportCommand
{
    public static Command Create(GlobalOptions global)
    {
        var file = new Argument<FileInfo>("file") { Description = "The CSV (header row first) or NDJSON file of account records" }.AcceptExistingOnly();
        var lender = new Option<string>("--lender", "-l") { Description = "The lender whose accounts these are", Required = true, HelpName = "lenderId" };
        var format = new Option<string?>("--format") { Description = "csv or ndjson [default: from the file's extension]", HelpName = "format" };
        format.AcceptOnlyFromAmong("csv", "ndjson");
        var chunk = new Option<long>("--chunk-lines")
        {
            Description = "Lines per request; each request is answered before the next is sent (0: the whole file in one request)",
            DefaultValueFactory = _ => ImportRunner.DefaultChunkRows,
            HelpName = "lines",
        };
        chunk.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long>() < 0)
            {
                r.AddError("--chunk-lines must be 0 or more.");
            }
        });
        var show = new Option<int>("--show-errors")
        {
            Description = "How many rejected lines to list in the summary",
            DefaultValueFactory = _ => 20,
            HelpName = "n",
        };
        var rejects = new Option<FileInfo?>("--rejects") { Description = "Write every rejected line to this CSV file (line,accountRef,error)", HelpName = "file" };

        var command = new Command("import", "Import accounts from a CSV or NDJSON file (streamed; re-sending a file changes nothing)")
        {
            file, lender, format, chunk, show, rejects,
        };
        command.SetAction(global.WithApi(async (result, api, cancellationToken) =>
        {
            var path = result.GetRequiredValue(file).FullName;
            var request = new ImportRequest(
                path,
                ImportFormats.Resolve(result.GetValue(format), path),
                result.GetRequiredValue(lender),
                result.GetValue(chunk),
                Math.Max(0, result.GetValue(show)),
                result.GetValue(rejects)?.FullName);
            var console = global.Environment.Out;
            var runner = new ImportRunner(api);
            var fileBytes = new FileInfo(path).Length;
            console.MarkupLine($"Importing [bold]{Markup.Escape(Path.GetFileName(path))}[/] ({request.Format.ToString().ToLowerInvariant()}, {Bytes(fileBytes)}) into lender [bold]{Markup.Escape(request.LenderId)}[/] at {Markup.Escape(api.BaseAddress.ToString())}");

            ImportReport report;
            if (console.Profile.Capabilities.Interactive)
            {
                report = await console.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask("sending", maxValue: Math.Max(1, fileBytes));
                        return await runner.RunAsync(request, new ProgressObserver(task), cancellationToken);
                    });
            }
            else
            {
                report = await runner.RunAsync(request, new LineObserver(console), cancellationToken);
            }

            // A first request that failed has nothing to sum up: the problem alone says it.
            if (report.Failure is null || report.ChunksConfirmed > 0 || report.Count("received") > 0)
            {
                Render(console, report);
            }

            if (report.Failure is { } failure)
            {
                RenderFailure(global.Environment.Error, failure, report);
                return report.Cancelled ? ExitCodes.Cancelled : ExitCodes.Failed;
            }

            return report.Count("rejected") > 0 ? ExitCodes.LinesRejected : ExitCodes.Success;
        }));
        return command;
    }

    public static void Render(IAnsiConsole console, ImportReport report)
    {
        var received = report.Count("received");
        var seconds = Math.Max(report.Elapsed.TotalSeconds, 0.001);
        console.MarkupLine(
            $"{N(received)} lines in {report.ChunksConfirmed} request(s), {report.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s ({N((long)(received / seconds))} lines/s)");

        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Import summary[/]");
        foreach (var name in report.CounterNames)
        {
            table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        }

        table.AddRow(report.CounterNames.Select(name => name == "rejected" && report.Count(name) > 0
            ? new Markup($"[red]{N(report.Count(name))}[/]")
            : new Markup(N(report.Count(name)))));
        console.Write(table);

        if (report.Errors.Count == 0)
        {
            return;
        }

        var errors = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]Rejected lines[/] (first {report.Errors.Count} of {N(report.Count("rejected"))})")
            .AddColumn(new TableColumn("line").RightAligned())
            .AddColumn("accountRef")
            .AddColumn("error");
        foreach (var error in report.Errors)
        {
            errors.AddRow(new Text(error.Line.ToString(CultureInfo.InvariantCulture)), new Text(error.AccountRef ?? "—"), new Text(error.Error));
        }

        console.Write(errors);
        if (report.UnlistedErrors > 0)
        {
            console.MarkupLine($"[grey]{N(report.UnlistedErrors)} more rejected line(s) not listed; use --show-errors or --rejects FILE.[/]");
        }
    }

    private static void RenderFailure(IAnsiConsole console, ImportFailure failure, ImportReport report)
    {
        var chunk = failure.Chunk;
        var range = chunk.Rows == 0 ? "the file" : $"lines {N(chunk.FirstLine)}–{N(chunk.LastLine)}";
        if (failure.Problem is { } problem)
        {
            ProblemRenderer.Render(console, problem, HttpMethod.Post, failure.Url!, ProblemRenderer.HintFor(problem));
        }
        else
        {
            console.MarkupLine($"[red bold]Error[/] {Markup.Escape(failure.Message)}");
        }

        var landed = report.ConfirmedThroughLine > 0
            ? $"lines up to {N(report.ConfirmedThroughLine)} were imported"
            : "no request of it completed";
        console.MarkupLine(Markup.Escape(
            $"The import stopped at the request for {range}; {landed}. Run the same command again once the cause is fixed: re-sending lines that already landed changes nothing."));
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    internal static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{(bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture)} KiB",
        < 1024L * 1024 * 1024 => $"{(bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture)} MiB",
        _ => $"{(bytes / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture)} GiB",
    };

    private sealed class ProgressObserver(ProgressTask task) : IImportObserver
    {
        public void Sending(ImportChunk chunk) =>
            task.Description = chunk.Rows == 0 ? "sending" : $"lines {N(chunk.FirstLine)}–{N(chunk.LastLine)}";

        public void Advanced(long fileBytes) => task.Value = Math.Min(fileBytes, task.MaxValue);

        public void Answered(ImportChunk chunk, ImportReport report) =>
            task.Description = $"{N(report.Count("received"))} received, {N(report.Count("rejected"))} rejected";
    }

    /// <summary>Without an interactive terminal (CI logs, pipes) a line per answered request replaces the bar.</summary>
    private sealed class LineObserver(IAnsiConsole console) : IImportObserver
    {
        public void Sending(ImportChunk chunk)
        {
        }

        public void Advanced(long fileBytes)
        {
        }

        public void Answered(ImportChunk chunk, ImportReport report) =>
            console.MarkupLine(Markup.Escape($"request {chunk.Index + 1}: lines {N(chunk.FirstLine)}–{N(chunk.LastLine)} answered; {N(report.Count("received"))} received so far"));
    }
}
