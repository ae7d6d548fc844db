using System.Text.Json;
using Collections.Cli.Commands;
using Collections.Cli.Rendering;
using Spectre.Console.Testing;

namespace Collections.Cli.Tests;

public sealed class RenderingTests
{
    [Fact]
    public void A_portfolio_in_the_shape_of_the_contract_becomes_one_table_per_section()
    {
        using var document = JsonDocument.Parse("""
            {"accounts":{"active":12,"closed":3,"byStage":{"Notice":4,"Early":8},"byBucket":{"M1":9,"M2":3}},
             "balance":{"active":12345.67,"byStage":{"Notice":100.5,"Early":12245.17}},
             "collected":250.00,
             "rollRates":{"M1":{"M2":0.25},"M2":{"M3":0.4}},
             "byVariant":{"champion":{"accounts":10,"collected":200.00},"challenger":{"accounts":2,"collected":50.00}}}
            """);
        using var console = new TestConsole().Width(160);

        foreach (var section in JsonRendering.Sections(document.RootElement, "summary"))
        {
            console.Write(section);
        }

        var output = console.Output;
        Assert.Contains("accounts · byStage", output, StringComparison.Ordinal);
        Assert.Contains("rollRates", output, StringComparison.Ordinal);
        Assert.Contains("12245.17", output, StringComparison.Ordinal);
        Assert.Matches(@"challenger\s*│\s*2\s*│\s*50\.00", output);
        Assert.Contains("250.00", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_account_view_shows_every_field_including_ones_the_CLI_does_not_know()
    {
        using var document = JsonDocument.Parse("""
            {"lenderId":"L1","accountRef":"A-1","status":"Active","stage":"Early","bucket":"M1","daysPastDue":12,
             "currency":"CNY","balance":{"principal":1000.00,"interest":20.00,"fees":0,"penalty":5.00,"total":1025.00},
             "holds":[],"strategy":{"name":"standard","version":1,"variant":"champion"},"brandNewField":"shown"}
            """);
        using var console = new TestConsole().Width(160);

        console.Write(AccountCommands.Panel(document.RootElement, "L1", "A-1"));

        Assert.Contains("L1 / A-1", console.Output, StringComparison.Ordinal);
        Assert.Contains("1025.00", console.Output, StringComparison.Ordinal);
        Assert.Contains("standard v1 (champion)", console.Output, StringComparison.Ordinal);
        Assert.Contains("brandNewField", console.Output, StringComparison.Ordinal);
    }
}
