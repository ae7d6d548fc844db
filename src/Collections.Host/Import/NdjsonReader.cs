using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Collections.Host.Import;

/// <summary>
/// Streams newline-delimited JSON objects from a request body without buffering it: each line is
/// parsed on its own, and a line longer than <see cref="MaxLineBytes"/> is skipped (and reported)
/// without ever being held in memory whole.
/// </summary>
public static class NdjsonReader
{
    public const int MaxLineBytes = 64 * 1024;

    public static async IAsyncEnumerable<ImportLine> ReadAsync(PipeReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long line = 0;
        var skipping = false;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var lines = new List<ImportLine>();
            while (buffer.PositionOf((byte)'\n') is { } newline)
            {
                line++;
                var content = buffer.Slice(0, newline);
                buffer = buffer.Slice(buffer.GetPosition(1, newline));
                if (skipping || content.Length > MaxLineBytes)
                {
                    skipping = false;
                    lines.Add(TooLong(line));
                }
                else if (ParseLine(line, content) is { } parsed)
                {
                    lines.Add(parsed);
                }
            }

            if (buffer.Length > MaxLineBytes || (skipping && !result.IsCompleted))
            {
                // Inside an over-long line: drop what has arrived and keep looking for its end.
                skipping = true;
                buffer = buffer.Slice(buffer.End);
            }

            if (result.IsCompleted)
            {
                if (skipping)
                {
                    lines.Add(TooLong(++line));
                }
                else if (buffer.Length > 0 && ParseLine(++line, buffer) is { } last)
                {
                    lines.Add(last);
                }

                buffer = buffer.Slice(buffer.End);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            foreach (var item in lines)
            {
                yield return item;
            }

            if (result.IsCompleted)
            {
                yield break;
            }
        }
    }

    private static ImportLine TooLong(long line) =>
        new(line, null, $"the line is longer than {MaxLineBytes} bytes; a record is a single JSON object of a few hundred bytes");

    /// <summary>Null for a blank line, which is not a record.</summary>
    private static ImportLine? ParseLine(long line, ReadOnlySequence<byte> content)
    {
        var bytes = content.IsSingleSegment ? content.First.Span : content.ToArray();
        bytes = bytes.TrimEnd((byte)'\r');
        if (bytes.Trim(" \t"u8).IsEmpty)
        {
            return null;
        }

        return ParseObject(line, bytes);
    }

    /// <summary>Reads one JSON object into text fields: strings as they are, numbers as written.</summary>
    public static ImportLine ParseObject(long line, ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new(line, null, "the line is not a JSON object; each line must be one object like {\"accountRef\":\"A-1\",…}");
            }

            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            var problems = new List<string>();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        fields[name] = reader.GetString();
                        break;
                    case JsonTokenType.Number:
                        fields[name] = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                        break;
                    case JsonTokenType.Null:
                        fields[name] = null;
                        break;
                    default:
                        problems.Add($"{name}: must be a string or a number");
                        reader.Skip();
                        break;
                }
            }

            if (reader.Read())
            {
                return new(line, null, "the line has more than one JSON value; put one object per line");
            }

            return problems.Count > 0 ? new(line, fields, string.Join("; ", problems)) : new(line, fields, null);
        }
        catch (JsonException ex)
        {
            return new(line, null, $"the line is not valid JSON ({ex.Message.Split(" LineNumber", 2)[0]})");
        }
    }
}
