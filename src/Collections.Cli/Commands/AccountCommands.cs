using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Collections.Cli.Api;
using Collections.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Collections.Cli.Commands;

/// <summary><c>collections account show|events LENDER ACCOUNT</c>.</summary>
public static class AccountCommands
{
    /// <summary>The view's fields in the order a collector reads them; fields not named here follow after.</summary>
    private static readonly string[] ViewOrder =
    [
        "status", "stage", "bucket", "daysPastDue", "riskTier", "product", "dueDate", "currency", "balance", "arrears",
        "collected", "overpaid", "strategy", "holds", "dispute", "promise", "plan", "settlement", "placement",
        "nextWakeAt", "openedAt", "stageEnteredAt", "closedAt", "closedReason", "eventCount",
    ];

    public static Command Create(GlobalOptions global)
    {
        var account = new Command("account", "Look at one account: its view and its audit trail");
        account.Subcommands.Add(Show(global));
        account.Subcommands.Add(Events(global));
        return account;
    }

    private static (Argument<string> Lender, Argument<string> Account) Keys() =>
        (new Argument<string>("lenderId") { Description = "The lender" }, new Argument<string>("accountRef") { Description = "The lender's account reference" });

    private static Command Show(GlobalOptions global)
    {
        var (lender, account) = Keys();
        var json = new Option<bool>("--json") { Description = "Print the view as JSON instead of a panel" };
        var command = new Command("show", "The account view: stage, days past due, balance, arrangements, strategy") { lender, account, json };
        command.SetAction(global.WithApi(async (result, api, cancellationToken) =>
        {
            var lenderId = result.GetRequiredValue(lender);
            var accountRef = result.GetRequiredValue(account);
            var view = await api.GetJsonAsync($"api/v1/lenders/{ApiClient.Segment(lenderId)}/accounts/{ApiClient.Segment(accountRef)}", cancellationToken);
            if (result.GetValue(json))
            {
                await global.Environment.PlainOut.WriteLineAsync(JsonSerializer.Serialize(view, JsonOptions.Indented).AsMemory(), cancellationToken);
                return ExitCodes.Success;
            }

            global.Environment.Out.Write(Panel(view, lenderId, accountRef));
            return ExitCodes.Success;
        }));
        return command;
    }

    public static Panel Panel(JsonElement view, string lenderId, string accountRef)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        var shown = new HashSet<string>(StringComparer.Ordinal) { "lenderId", "accountRef" };
        foreach (var name in ViewOrder.Concat(view.EnumerateObject().Select(p => p.Name)))
        {
            if (!shown.Add(name) || !view.TryGetProperty(name, out var value))
            {
                continue;
            }

            grid.AddRow(new Markup($"[grey]{Markup.Escape(name)}[/]"), Value(name, value, view));
        }

        var status = view.TryGetProperty("status", out var s) ? JsonRendering.Plain(s) : "?";
        var colour = status == "Active" ? "green" : "grey";
        return new Panel(grid)
            .Header($"[bold]{Markup.Escape(lenderId)} / {Markup.Escape(accountRef)}[/] [{colour}]{Markup.Escape(status)}[/]")
            .Border(BoxBorder.Rounded);
    }

    private static IRenderable Value(string name, JsonElement value, JsonElement view)
    {
        if (name == "balance" && value.ValueKind == JsonValueKind.Object)
        {
            var table = new Table().Border(TableBorder.Simple);
            foreach (var part in value.EnumerateObject())
            {
                table.AddColumn(new TableColumn(Markup.Escape(part.Name)).RightAligned());
            }

            table.AddRow(value.EnumerateObject().Select(p => JsonRendering.Cell(p.Value)));
            return table;
        }

        if (name == "strategy" && value.ValueKind == JsonValueKind.Object)
        {
            var strategyName = value.TryGetProperty("name", out var n) ? JsonRendering.Plain(n) : "?";
            var version = value.TryGetProperty("version", out var v) ? JsonRendering.Plain(v) : "?";
            var variant = value.TryGetProperty("variant", out var w) ? JsonRendering.Plain(w) : "?";
            return new Text($"{strategyName} v{version} ({variant})");
        }

        if (name == "stage" && value.ValueKind == JsonValueKind.String)
        {
            var colour = value.GetString() switch
            {
                "Notice" => "yellow",
                "Early" => "orange1",
                "Mid" => "darkorange",
                "Legal" => "red",
                "ChargedOff" => "maroon",
                _ => "default",
            };
            return new Markup($"[{colour}]{Markup.Escape(value.GetString()!)}[/]");
        }

        if (name is "arrears" or "collected" or "overpaid" && value.ValueKind == JsonValueKind.Number
            && view.TryGetProperty("currency", out var currency) && currency.ValueKind == JsonValueKind.String)
        {
            return new Text($"{value.GetRawText()} {currency.GetString()}");
        }

        return JsonRendering.Cell(value);
    }

    private static Command Events(GlobalOptions global)
    {
        var (lender, account) = Keys();
        var pageSize = new Option<int>("--page-size") { Description = "Events per request (1–1000)", DefaultValueFactory = _ => 500, HelpName = "n" };
        pageSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                r.AddError("--page-size must be from 1 to 1000.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print each event as one JSON line (NDJSON) instead of a table" };
        var command = new Command("events", "The account's complete audit trail, in order (pages through the API's next)") { lender, account, pageSize, json };
        command.SetAction(global.WithApi(async (result, api, cancellationToken) =>
        {
            var path = $"api/v1/lenders/{ApiClient.Segment(result.GetRequiredValue(lender))}/accounts/{ApiClient.Segment(result.GetRequiredValue(account))}/events";
            var size = result.GetValue(pageSize);
            var asJson = result.GetValue(json);
            var output = asJson ? global.Environment.PlainOut : null;
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn("seq").RightAligned()).AddColumn("at").AddColumn("type").AddColumn("actor").AddColumn("data");
            long? after = 0;
            long count = 0;
            while (after is { } cursor)
            {
                var page = await api.GetJsonAsync($"{path}?after={cursor.ToString(CultureInfo.InvariantCulture)}&limit={size.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
                if (!page.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
                {
                    throw new CliException($"{api.Url(path)} answered without an items array; does --url point at the Collections API?");
                }

                foreach (var item in items.EnumerateArray())
                {
                    count++;
                    if (output is not null)
                    {
                        await output.WriteLineAsync(item.GetRawText().AsMemory(), cancellationToken);
                        continue;
                    }

                    table.AddRow(Field(item, "seq"), Field(item, "at"), Field(item, "type"), Field(item, "actor"),
                        item.TryGetProperty("data", out var data) ? new Text(data.GetRawText()) : new Text(""));
                }

                after = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.Number && next.TryGetInt64(out var n) && n != cursor ? n : null;
            }

            if (output is null)
            {
                table.Title($"[bold]{count} event(s)[/]");
                global.Environment.Out.Write(table);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static IRenderable Field(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? JsonRendering.Cell(value) : new Text("");
}
