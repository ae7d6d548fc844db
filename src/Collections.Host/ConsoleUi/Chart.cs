using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Collections.Host.ConsoleUi;

/// <summary>Horizontal bar charts drawn on the server as SVG: no script, readable by screen readers (title and a label per bar).</summary>
public static class Chart
{
    private const int LabelWidth = 150;
    private const int BarWidth = 320;
    private const int ValueWidth = 130;
    private const int RowHeight = 22;

    public static IHtmlContent Bars(string title, IReadOnlyList<(string Label, decimal Value)> rows, Func<decimal, string> format)
    {
        var encoder = HtmlEncoder.Default;
        if (rows.Count == 0)
        {
            return new HtmlString($"""<p class="muted">{encoder.Encode(title)}: nothing yet.</p>""");
        }

        var max = Math.Max(rows.Max(r => r.Value), 0.0001m);
        var height = (rows.Count * RowHeight) + 8;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg class="chart" role="img" aria-label="{encoder.Encode(title)}" width="{LabelWidth + BarWidth + ValueWidth}" height="{height}" viewBox="0 0 {LabelWidth + BarWidth + ValueWidth} {height}">""");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{encoder.Encode(title)}</title>");
        for (var i = 0; i < rows.Count; i++)
        {
            var (label, value) = rows[i];
            var y = (i * RowHeight) + 4;
            var width = (int)Math.Round(Math.Max(0, value) / max * BarWidth);
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{LabelWidth - 6}" y="{y + 14}" text-anchor="end">{encoder.Encode(label)}</text>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{LabelWidth}" y="{y}" width="{width}" height="{RowHeight - 6}" fill="#1f5fbf"><title>{encoder.Encode($"{label}: {format(value)}")}</title></rect>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{LabelWidth + width + 6}" y="{y + 14}">{encoder.Encode(format(value))}</text>""");
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    public static string Count(decimal value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
