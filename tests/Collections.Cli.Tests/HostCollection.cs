namespace Collections.Cli.Tests;

[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "host";
}

/// <summary>What a CLI run against the shared host needs.</summary>
public static class CliHost
{
    extension(HostFixture host)
    {
        /// <summary>The API's base address, as the CLI's --url takes it.</summary>
        public string Url => host.BaseAddress.ToString();

        /// <summary>The options every CLI run against this host needs.</summary>
        public string[] Connection => ["--url", host.Url, "--api-key", HostFixture.AdminKey];

        /// <summary>A lender of its own for each test, so tests never see each other's accounts.</summary>
        public static string NewLender() => $"L-{Guid.NewGuid():N}"[..14];

        /// <summary>A port that nothing listens on.</summary>
        public static int ClosedPort() => Ports.Free();
    }
}
