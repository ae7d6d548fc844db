namespace Collections.Cli.Import;

/// <summary>Where a run of rows restarts its line numbering: row <see cref="Row"/> of the chunk begins on file line <see cref="Line"/>.</summary>
public readonly record struct LineAnchor(long Row, long Line);

/// <summary>
/// One request's worth of an import file: a byte range holding <see cref="Rows"/> whole rows, the file
/// line on which it starts, and enough to turn the line numbers the API reports for this request back
/// into the file's own. A CSV chunk is sent after the file's header row, so the API's line 2 is the
/// chunk's first row. Rows that span several lines (a quoted CSV field with a line break) leave an
/// anchor; without them a chunk's mapping is a plain offset, so memory does not grow with its size.
/// </summary>
public sealed record ImportChunk(
    int Index,
    long Offset,
    long Length,
    long Rows,
    long FirstLine,
    long LastLine,
    bool AfterHeader,
    IReadOnlyList<LineAnchor> Anchors)
{
    /// <summary>The file's line for a line number the API reported for this chunk's request.</summary>
    public long FileLine(long requestLine)
    {
        var row = requestLine - (AfterHeader ? 2 : 1);
        if (row < 0)
        {
            // Only the header itself comes before the first row.
            return 1;
        }

        var anchor = new LineAnchor(0, FirstLine);
        var low = 0;
        var high = Anchors.Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            if (Anchors[middle].Row <= row)
            {
                anchor = Anchors[middle];
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return anchor.Line + (row - anchor.Row);
    }
}
