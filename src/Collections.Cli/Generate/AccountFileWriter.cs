using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Collections.Cli.Import;

namespace Collections.Cli.Generate;

/// <summary>
/// Writes generated accounts one at a time as CSV or NDJSON (UTF-8, no byte-order mark, \n line ends).
/// The caller owns the stream; disposing the writer flushes it but leaves it open.
/// </summary>
public abstract class AccountFileWriter : IDisposable
{
    public static AccountFileWriter Create(Stream stream, ImportFormat format) =>
        format == ImportFormat.Csv ? new CsvWriter(stream) : new NdjsonWriter(stream);

    public abstract void Write(SyntheticAccount account);

    public abstract void Flush();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);

    private static string Amount(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private sealed class CsvWriter : AccountFileWriter
    {
        private readonly StreamWriter writer;

        public CsvWriter(Stream stream)
        {
            writer = new StreamWriter(stream, new UTF8Encoding(false), bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
            writer.WriteLine(string.Join(',', SyntheticAccount.Fields));
        }

        public override void Write(SyntheticAccount a)
        {
            Field(a.AccountRef);
            Field(a.Product);
            Field(a.Currency);
            Field(Amount(a.Principal));
            Field(Amount(a.Interest));
            Field(Amount(a.Fees));
            Field(Amount(a.Penalty));
            Field(a.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Field(a.InstallmentAmount is { } installment ? Amount(installment) : null);
            Field(a.PastDueAmount is { } pastDue ? Amount(pastDue) : null);
            Field(a.BorrowerName);
            Field(a.Phone);
            Field(a.Email);
            Field(a.TimeZone);
            Field(a.Region);
            Field(a.Score?.ToString(CultureInfo.InvariantCulture));
            Field(a.CustomerId);
            Field(a.Address);
            Field(a.Language, last: true);
        }

        public override void Flush() => writer.Flush();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                writer.Dispose();
            }
        }

        private void Field(string? value, bool last = false)
        {
            if (value is not null)
            {
                if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || value.Trim().Length != value.Length)
                {
                    writer.Write('"');
                    writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
                    writer.Write('"');
                }
                else
                {
                    writer.Write(value);
                }
            }

            writer.Write(last ? '\n' : ',');
        }
    }

    private sealed class NdjsonWriter : AccountFileWriter
    {
        private static readonly JsonWriterOptions Options = new()
        {
            // A data file, never embedded in HTML: only what JSON itself requires is escaped, so names in
            // Chinese and E.164 phones ("+86…") stay readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        private readonly Stream stream;
        private readonly ArrayBufferWriter<byte> buffer = new(1024);
        private readonly Utf8JsonWriter json;

        public NdjsonWriter(Stream stream)
        {
            this.stream = stream;
            json = new Utf8JsonWriter(buffer, Options);
        }

        public override void Write(SyntheticAccount a)
        {
            json.Reset();
            buffer.ResetWrittenCount();
            json.WriteStartObject();
            json.WriteString("accountRef", a.AccountRef);
            json.WriteString("product", a.Product);
            json.WriteString("currency", a.Currency);
            Number("principal", a.Principal);
            Number("interest", a.Interest);
            Number("fees", a.Fees);
            Number("penalty", a.Penalty);
            json.WriteString("dueDate", a.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            if (a.InstallmentAmount is { } installment)
            {
                Number("installmentAmount", installment);
            }

            if (a.PastDueAmount is { } pastDue)
            {
                Number("pastDueAmount", pastDue);
            }

            json.WriteString("borrowerName", a.BorrowerName);
            Optional("phone", a.Phone);
            Optional("email", a.Email);
            json.WriteString("timezone", a.TimeZone);
            Optional("region", a.Region);
            if (a.Score is { } score)
            {
                json.WriteNumber("score", score);
            }

            json.WriteString("customerId", a.CustomerId);
            Optional("address", a.Address);
            json.WriteString("language", a.Language);

            json.WriteEndObject();
            json.Flush();
            stream.Write(buffer.WrittenSpan);
            stream.WriteByte((byte)'\n');
        }

        public override void Flush() => stream.Flush();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                json.Dispose();
                stream.Flush();
            }
        }

        /// <summary>Money as a JSON number with exactly the currency's two decimals.</summary>
        private void Number(string name, decimal value)
        {
            json.WritePropertyName(name);
            json.WriteRawValue(Amount(value), skipInputValidation: true);
        }

        private void Optional(string name, string? value)
        {
            if (value is not null)
            {
                json.WriteString(name, value);
            }
        }
    }
}
