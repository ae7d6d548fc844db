using System.CommandLine;
using Collections.Cli.Api;
using Collections.Cli.Rendering;
using Spectre.Console;

namespace Collections.Cli.Commands;

/// <summary>The options every command takes, and the one place where failures become messages and exit codes.</summary>
public sealed class GlobalOptions(CliEnvironment environment)
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The API's base address [env {ApiSettings.UrlVariable}; default {ApiSettings.DefaultUrl}]",
        HelpName = "url",
        Recursive = true,
    };

    // No default value factory: help must never show a key taken from the environment.
    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"The API key sent as X-Api-Key [env {ApiSettings.KeyVariable}; default none]",
        HelpName = "key",
        Recursive = true,
    };

    public CliEnvironment Environment { get; } = environment;

    public ApiSettings Settings(ParseResult result) =>
        ApiSettings.Resolve(result.GetValue(Url), result.GetValue(ApiKey), Environment.GetVariable);

    /// <summary>An action for a command that talks to the API, with every failure turned into a message and an exit code.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> WithApi(Func<ParseResult, ApiClient, CancellationToken, Task<int>> run) =>
        (result, cancellationToken) => RunAsync(async () =>
        {
            using var api = new ApiClient(Settings(result), Environment.HttpHandler);
            return await run(result, api, cancellationToken);
        }, cancellationToken);

    /// <summary>Runs a command, turning every failure into a message and an exit code.</summary>
    public async Task<int> RunAsync(Func<Task<int>> run, CancellationToken cancellationToken)
    {
        var error = Environment.Error;
        try
        {
            return await run();
        }
        catch (ApiProblemException ex)
        {
            ProblemRenderer.Render(error, ex.Problem, ex.Method, ex.Url, ProblemRenderer.HintFor(ex.Problem));
            return ExitCodes.Failed;
        }
        catch (CliException ex)
        {
            error.MarkupLine($"[red bold]Error[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.MarkupLine("[yellow]Interrupted.[/]");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.MarkupLine($"[red bold]Error[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.Failed;
        }
    }
}
