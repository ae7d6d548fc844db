using System.CommandLine;
using Collections.Cli.Commands;

namespace Collections.Cli;

/// <summary>The <c>collections</c> command line: builds the commands and runs one, in this process.</summary>
public static class CollectionsCli
{
    public static RootCommand Build(CliEnvironment environment)
    {
        var global = new GlobalOptions(environment);
        var root = new RootCommand("collections: import, inspect and generate collections portfolios through the Collections.Orleans HTTP API.")
        {
            global.Url,
            global.ApiKey,
        };
        root.Subcommands.Add(ImportCommand.Create(global));
        root.Subcommands.Add(AccountCommands.Create(global));
        root.Subcommands.Add(PortfolioCommand.Create(global));
        root.Subcommands.Add(StrategyCommands.Create(global));
        root.Subcommands.Add(GenerateCommand.Create(global));
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default) =>
        Build(environment).Parse(args).InvokeAsync(
            new InvocationConfiguration { Output = environment.PlainOut, Error = environment.PlainError },
            cancellationToken);
}
