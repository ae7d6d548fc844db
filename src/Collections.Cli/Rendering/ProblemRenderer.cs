using Collections.Cli.Api;
using Spectre.Console;

namespace Collections.Cli.Rendering;

/// <summary>Shows an API problem so a person can act on it: status, title, detail, and every listed error.</summary>
public static class ProblemRenderer
{
    public static void Render(IAnsiConsole console, ApiProblem problem, HttpMethod method, Uri url, string? hint = null)
    {
        console.MarkupLine($"[red bold]Error {(int)problem.Status}[/] [bold]{Markup.Escape(problem.Title)}[/] [grey]({Markup.Escape(method.Method)} {Markup.Escape(url.AbsolutePath)})[/]");
        if (problem.Detail is { Length: > 0 } detail)
        {
            console.MarkupLine(Markup.Escape(detail));
        }

        if (problem.Errors.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("field").AddColumn("problem");
            foreach (var (field, messages) in problem.Errors)
            {
                foreach (var message in messages)
                {
                    table.AddRow(Markup.Escape(field), Markup.Escape(message));
                }
            }

            console.Write(table);
        }

        if (hint is not null)
        {
            console.MarkupLine($"[grey]{Markup.Escape(hint)}[/]");
        }
    }

    /// <summary>What to try next for the statuses a person most often meets.</summary>
    public static string? HintFor(ApiProblem problem) => (int)problem.Status switch
    {
        401 => $"Send a key with --api-key or {ApiSettings.KeyVariable} (the embedded default accepts dev-admin).",
        403 => "The key is known but its role may not do this; use a lender key of this lender or an admin key.",
        _ => null,
    };
}
