using Collections.Cli;
using Spectre.Console.Testing;

namespace Collections.Cli.Tests;

/// <summary>What one in-process run of the CLI printed and returned.</summary>
public sealed record CliRun(int ExitCode, string Output, string Plain)
{
    /// <summary>Everything shown, on one string (tables, problems, and plain output).</summary>
    public string All => Output + Plain;
}

/// <summary>Runs the CLI's entry point in this process, with consoles that record what it prints.</summary>
public static class CliRunner
{
    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string>? variables, bool interactive, params string[] args)
    {
        using var console = new TestConsole().Width(220);
        if (interactive)
        {
            console.Interactive();
        }

        await using var plain = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = console,
            Error = console,
            PlainOut = plain,
            PlainError = plain,
            GetVariable = name => variables is not null && variables.TryGetValue(name, out var value) ? value : null,
            OpenStandardOutput = () => throw new InvalidOperationException("Tests write files, not standard output."),
        };
        var exit = await CollectionsCli.RunAsync(args, environment);
        return new CliRun(exit, console.Output, plain.ToString());
    }

    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(null, false, args);
}
