using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Collections.Cli.Api;
using Collections.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Json;

namespace Collections.Cli.Commands;

/// <summary><c>collections strategy get|set LENDER</c>: the lender's versioned strategy document.</summary>
public static class StrategyCommands
{
    /// <summary>The API takes documents of at most 256 KiB; a larger file is not a strategy.</summary>
    private const long MaxDocumentBytes = 256 * 1024;

    /// <summary>Fields the API adds around the document, which a document sent back must not contain.</summary>
    private static readonly string[] EnvelopeFields = ["version", "createdAt"];

    public static Command Create(GlobalOptions global)
    {
        var strategy = new Command("strategy", "A lender's strategy document: stages, buckets, contact plan, limits");
        strategy.Subcommands.Add(Get(global));
        strategy.Subcommands.Add(Set(global));
        return strategy;
    }

    private static Command Get(GlobalOptions global)
    {
        var lender = new Argument<string>("lenderId") { Description = "The lender" };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write the document (ready to edit and send with strategy set) to this file", HelpName = "file" };
        var command = new Command("get", "Show the current strategy and its version") { lender, output };
        command.SetAction(global.WithApi(async (result, api, cancellationToken) =>
        {
            var lenderId = result.GetRequiredValue(lender);
            var current = await api.GetJsonAsync(Path(lenderId), cancellationToken);
            var console = global.Environment.Out;
            var document = JsonNode.Parse(current.GetRawText())!.AsObject();
            var version = document["version"]?.ToString() ?? "?";
            var createdAt = document["createdAt"]?.ToString();
            foreach (var field in EnvelopeFields)
            {
                document.Remove(field);
            }

            var name = document["name"]?.ToString() ?? "?";
            var text = document.ToJsonString(JsonOptions.Indented);
            if (result.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, text + "\n", new UTF8Encoding(false), cancellationToken);
                console.MarkupLine($"Strategy [bold]{Markup.Escape(name)}[/] version [bold]{Markup.Escape(version)}[/] of {Markup.Escape(lenderId)} written to {Markup.Escape(file.FullName)}");
                return ExitCodes.Success;
            }

            console.MarkupLine($"Lender [bold]{Markup.Escape(lenderId)}[/]: strategy [bold]{Markup.Escape(name)}[/] version [bold]{Markup.Escape(version)}[/]{(createdAt is null ? "" : $" [grey](created {Markup.Escape(createdAt)})[/]")}");
            console.Write(new Panel(new JsonText(text)).Border(BoxBorder.Rounded));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Set(GlobalOptions global)
    {
        var lender = new Argument<string>("lenderId") { Description = "The lender" };
        var file = new Argument<FileInfo>("file") { Description = "The strategy document (JSON); sections left out take the default's values" }.AcceptExistingOnly();
        var command = new Command("set", "Send a strategy document; each one becomes a new version") { lender, file };
        command.SetAction(global.WithApi(async (result, api, cancellationToken) =>
        {
            var lenderId = result.GetRequiredValue(lender);
            var path = result.GetRequiredValue(file);
            if (path.Length > MaxDocumentBytes)
            {
                throw new CliException($"{path.Name} is {path.Length / 1024} KiB; a strategy document is at most {MaxDocumentBytes / 1024} KiB.");
            }

            var text = await File.ReadAllTextAsync(path.FullName, cancellationToken);
            using var content = new StringContent(text, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            try
            {
                var created = await api.SendJsonAsync(HttpMethod.Put, Path(lenderId), content, cancellationToken);
                var version = created.TryGetProperty("version", out var v) ? JsonRendering.Plain(v) : "?";
                var name = created.TryGetProperty("name", out var n) ? JsonRendering.Plain(n) : "?";
                global.Environment.Out.MarkupLine($"Strategy [bold]{Markup.Escape(name)}[/] of {Markup.Escape(lenderId)} is now version [bold]{Markup.Escape(version)}[/].");
                return ExitCodes.Success;
            }
            catch (ApiProblemException ex) when ((int)ex.Problem.Status == 400)
            {
                ProblemRenderer.Render(global.Environment.Error, ex.Problem, ex.Method, ex.Url,
                    $"Nothing was changed: {path.Name} has {ex.Problem.Errors.Sum(e => e.Value.Count)} problem(s), listed by JSON path.");
                return ExitCodes.Failed;
            }
        }));
        return command;
    }

    private static string Path(string lenderId) => $"api/v1/lenders/{ApiClient.Segment(lenderId)}/strategy";
}
