using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Collections.Cli.Rendering;

/// <summary>
/// Turns API JSON into tables without fixing its shape in code: flat objects become two-column tables,
/// objects of flat objects become a matrix, anything deeper is shown as compact JSON. Fields the API adds
/// later therefore show up without a new release of the CLI.
/// </summary>
public static class JsonRendering
{
    /// <summary>A value as text for a table cell (already escaped for markup).</summary>
    public static IRenderable Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => new Markup("[grey]—[/]"),
        JsonValueKind.String => new Text(value.GetString()!),
        JsonValueKind.Number => new Text(Number(value)),
        JsonValueKind.True => new Text("yes"),
        JsonValueKind.False => new Text("no"),
        JsonValueKind.Array when value.GetArrayLength() == 0 => new Markup("[grey]none[/]"),
        JsonValueKind.Array when value.EnumerateArray().All(IsScalar) => new Text(string.Join(", ", value.EnumerateArray().Select(Plain))),
        JsonValueKind.Object when IsFlat(value) => new Text(string.Join(", ", value.EnumerateObject().Select(p => $"{p.Name}: {Plain(p.Value)}"))),
        _ => new Text(value.GetRawText()),
    };

    public static string Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "—",
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => Number(value),
        _ => value.GetRawText(),
    };

    /// <summary>Whole numbers with digit grouping; decimals exactly as the API wrote them (money keeps its scale).</summary>
    public static string Number(JsonElement value) =>
        value.TryGetInt64(out var whole) && !value.GetRawText().Contains('.') ? whole.ToString("N0", CultureInfo.InvariantCulture) : value.GetRawText();

    public static bool IsScalar(JsonElement value) => value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array);

    public static bool IsFlat(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.EnumerateObject().All(p => IsScalar(p.Value));

    /// <summary>
    /// An object as sections, each a heading over a table: its scalars first (under
    /// <paramref name="title"/>), then each nested object under its path, e.g. <c>accounts · byStage</c>.
    /// </summary>
    public static IEnumerable<IRenderable> Sections(JsonElement value, string title, string? path = null)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            yield return Headed(path ?? title, new Table().Border(TableBorder.Rounded).AddColumn("").HideHeaders().AddRow(Cell(value)));
            yield break;
        }

        var scalars = value.EnumerateObject().Where(p => IsScalar(p.Value) || p.Value.ValueKind == JsonValueKind.Array).ToList();
        if (scalars.Count > 0)
        {
            var table = KeyValueTable();
            foreach (var property in scalars)
            {
                table.AddRow(new Text(property.Name), Cell(property.Value));
            }

            yield return Headed(path ?? title, table);
        }

        foreach (var property in value.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
        {
            var name = path is null ? property.Name : $"{path} · {property.Name}";
            if (IsFlat(property.Value))
            {
                yield return Headed(name, Flat(property.Value));
            }
            else if (IsMatrix(property.Value))
            {
                yield return Headed(name, Matrix(property.Value));
            }
            else
            {
                foreach (var section in Sections(property.Value, title, name))
                {
                    yield return section;
                }
            }
        }
    }

    public static Table Flat(JsonElement value)
    {
        var table = KeyValueTable();
        if (!value.EnumerateObject().Any())
        {
            table.AddRow(new Markup("[grey]none[/]"), new Text(""));
        }

        foreach (var property in value.EnumerateObject())
        {
            table.AddRow(new Text(property.Name), Cell(property.Value));
        }

        return table;
    }

    /// <summary>An object whose values are all flat objects, e.g. <c>{"M1":{"M2":0.2}, "M2":{…}}</c>.</summary>
    public static bool IsMatrix(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Any() && value.EnumerateObject().All(p => IsFlat(p.Value));

    /// <summary>Rows are the object's keys, columns the union of the inner keys.</summary>
    public static Table Matrix(JsonElement value)
    {
        var columns = value.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(c => c.Name)).Distinct().ToList();
        var table = new Table().Border(TableBorder.Rounded).AddColumn("");
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        foreach (var row in value.EnumerateObject())
        {
            var cells = new List<IRenderable> { new Text(row.Name) };
            cells.AddRange(columns.Select(c => row.Value.TryGetProperty(c, out var cell) ? Cell(cell) : new Markup("[grey]—[/]")));
            table.AddRow(cells);
        }

        return table;
    }

    private static Rows Headed(string heading, Table table) => new(new Markup($"[bold]{Markup.Escape(heading)}[/]"), table);

    private static Table KeyValueTable() =>
        new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn(new TableColumn("").RightAligned()).HideHeaders();
}
