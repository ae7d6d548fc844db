namespace Collections.Cli;

internal static class EntryPoint
{
    private static Task<int> Main(string[] args) => CollectionsCli.RunAsync(args, CliEnvironment.FromProcess());
}
