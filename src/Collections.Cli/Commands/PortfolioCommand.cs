using System.CommandLine;
using System.Text.Json;
using Collections.Cli.Api;
using Collections.Cli.Rendering;
using Spectre.Console;

namespace Collections.Cli.Commands;

/// <summary><c>collections portfolio LENDER</c>: the lender's figures as tables.</summary>
public static class PortfolioCommand
{
    public static Command Create(GlobalOptions global)
    {
        var lender = new Argument<string>("lenderId") { Description = "The lender" };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON instead of tables" };
        var command = new Command("portfolio", "Accounts and balances by stage and bucket, collected, roll rates, per strategy variant") { lender, json };
        command.SetAction(global.WithApi(async (result, api, cancellationToken) =>
        {
            var lenderId = result.GetRequiredValue(lender);
            var portfolio = await api.GetJsonAsync($"api/v1/lenders/{ApiClient.Segment(lenderId)}/portfolio", cancellationToken);
            var console = global.Environment.Out;
            if (result.GetValue(json))
            {
                await global.Environment.PlainOut.WriteLineAsync(JsonSerializer.Serialize(portfolio, JsonOptions.Indented).AsMemory(), cancellationToken);
                return ExitCodes.Success;
            }

            console.Write(new Rule($"[bold]Portfolio of {Markup.Escape(lenderId)}[/]").LeftJustified());
            foreach (var section in JsonRendering.Sections(portfolio, "summary"))
            {
                console.Write(section);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
