namespace Collections.Cli.Import;

/// <summary>
/// Reads an import file once, front to back with a fixed buffer, and cuts it into chunks of whole rows
/// (each sent as its own request). Rows are counted the way the API counts them, so the line numbers it
/// reports can be mapped back: NDJSON rows are lines; a CSV row ends at a line break outside quotes
/// (a quoted field may hold line breaks), and blank lines count as rows.
/// </summary>
public sealed class ChunkPlanner
{
    /// <summary>A CSV header row is a few hundred bytes; a longer one is almost surely not a header.</summary>
    public const int MaxHeaderBytes = 64 * 1024;

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    private readonly Stream stream;
    private readonly ImportFormat format;
    private readonly byte[] buffer = new byte[MaxHeaderBytes];
    private int length;
    private int position;
    private long bufferOffset;
    private bool endOfFile;
    private CsvState state = CsvState.FieldStart;

    /// <summary>The physical line (1-based) at the scanning position.</summary>
    private long line = 1;

    private ChunkPlanner(Stream stream, ImportFormat format)
    {
        this.stream = stream;
        this.format = format;
    }

    private enum CsvState
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }

    /// <summary>The CSV header row with its line break (sent before every chunk), or empty for NDJSON.</summary>
    public ReadOnlyMemory<byte> Header { get; private set; } = ReadOnlyMemory<byte>.Empty;

    /// <summary>Opens a plan over <paramref name="stream"/>, reading the CSV header now.</summary>
    public static ChunkPlanner Open(Stream stream, ImportFormat format)
    {
        var planner = new ChunkPlanner(stream, format);
        planner.Fill();
        if (format == ImportFormat.Ndjson && planner.buffer.AsSpan(0, planner.length).StartsWith(Utf8Bom))
        {
            // The API reads each NDJSON line as JSON, which a byte-order mark is not.
            planner.position = Utf8Bom.Length;
        }
        else if (format == ImportFormat.Csv && planner.NextRow(out var end, out _, out _))
        {
            if (planner.bufferOffset != 0 || end > planner.length)
            {
                throw new CliException($"The CSV header row is longer than {MaxHeaderBytes / 1024} KiB; the first row must name the columns (accountRef,currency,…).");
            }

            planner.Header = planner.buffer.AsSpan(0, (int)end).ToArray();
        }

        return planner;
    }

    /// <summary>
    /// The chunks, lazily: each is planned only when the previous one has been taken. The planner reads
    /// its stream as it goes, so the chunks can be enumerated once.
    /// </summary>
    public IEnumerable<ImportChunk> Chunks(long rowsPerChunk)
    {
        if (rowsPerChunk <= 0)
        {
            rowsPerChunk = long.MaxValue;
        }

        var afterHeader = format == ImportFormat.Csv;
        var index = 0;
        var offset = bufferOffset + position;
        var firstLine = line;
        var lastLine = line - 1;
        long rows = 0;
        List<LineAnchor>? anchors = null;
        while (NextRow(out var end, out var startLine, out var endLine))
        {
            var expected = anchors is [.., var last] ? last.Line + (rows - last.Row) : firstLine + rows;
            if (startLine != expected)
            {
                (anchors ??= []).Add(new LineAnchor(rows, startLine));
            }

            rows++;
            lastLine = endLine;
            if (rows == rowsPerChunk)
            {
                yield return new ImportChunk(index++, offset, end - offset, rows, firstLine, lastLine, afterHeader, anchors ?? []);
                offset = end;
                firstLine = line;
                lastLine = line - 1;
                rows = 0;
                anchors = null;
            }
        }

        // The last, partial chunk; or the only one of an empty body, so that the API judges it.
        if (rows > 0 || index == 0)
        {
            yield return new ImportChunk(index, offset, bufferOffset + length - offset, rows, firstLine, lastLine, afterHeader, anchors ?? []);
        }
    }

    /// <summary>Advances over one row; false at the end of the file when no byte of a new row is left.</summary>
    private bool NextRow(out long end, out long startLine, out long endLine)
    {
        startLine = line;
        var any = false;
        while (true)
        {
            if (position == length && !Fill())
            {
                end = bufferOffset + length;
                endLine = line;
                state = CsvState.FieldStart;
                return any;
            }

            any = true;
            if (format == ImportFormat.Ndjson)
            {
                var newline = buffer.AsSpan(position, length - position).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    position = length;
                    continue;
                }

                position += newline + 1;
                return EndRow(out end, out endLine);
            }

            var b = buffer[position++];
            if (b == (byte)'\n')
            {
                if (state == CsvState.Quoted)
                {
                    line++;
                    continue;
                }

                return EndRow(out end, out endLine);
            }

            state = Next(state, b);
        }
    }

    private bool EndRow(out long end, out long endLine)
    {
        end = bufferOffset + position;
        endLine = line;
        line++;
        state = CsvState.FieldStart;
        return true;
    }

    /// <summary>
    /// RFC 4180 as the API's CSV reader takes it: a quote opens a quoted field only at the start of a field
    /// (after optional blanks, which it trims); inside, a doubled quote is a quote and a single one closes it.
    /// </summary>
    private static CsvState Next(CsvState state, byte b) => (state, b) switch
    {
        (CsvState.FieldStart, (byte)' ' or (byte)'\t' or (byte)'\r') => CsvState.FieldStart,
        (CsvState.FieldStart, (byte)'"') => CsvState.Quoted,
        (CsvState.Quoted, (byte)'"') => CsvState.QuoteInQuoted,
        (CsvState.Quoted, _) => CsvState.Quoted,
        (CsvState.QuoteInQuoted, (byte)'"') => CsvState.Quoted,
        (_, (byte)',') => CsvState.FieldStart,
        _ => CsvState.Unquoted,
    };

    private bool Fill()
    {
        if (endOfFile)
        {
            return false;
        }

        bufferOffset += length;
        position = 0;
        length = 0;
        while (length < buffer.Length)
        {
            var read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                endOfFile = true;
                break;
            }

            length += read;
        }

        return length > 0;
    }
}
