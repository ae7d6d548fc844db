using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Collections.Domain;
using Collections.Domain.Accounts;

namespace Collections.Benchmarks.Workload;

/// <summary>
/// A synthetic portfolio: account i of a lender, the same record whether it is sent through the
/// Orleans client or as an NDJSON line. Amounts and names vary with i deterministically (no RNG state).
/// <paramref name="customerId"/>, when given, links accounts to debtors (null: each account its own debtor).
/// </summary>
public sealed class Portfolio(string lenderId, string prefix, Func<int, DateOnly> dueDate, Func<int, string> timeZone, Func<int, string>? customerId = null)
{
    private static readonly string[] Surnames = ["Zhang", "Wang", "Li", "Zhao", "Chen", "Smith", "Garcia", "Nguyen", "Kim", "Müller"];
    private static readonly string[] Given = ["Wei", "Fang", "Min", "Jun", "Mary", "José", "Anh", "Ji-woo", "Lukas", "Ana"];

    public string LenderId { get; } = lenderId;

    public string Ref(int i) => $"{prefix}{i:D8}";

    public string Key(int i) => Collections.Contracts.AccountKey.For(LenderId, Ref(i));

    public AccountRecord Record(int i)
    {
        var h = Hash(i);
        var principal = 100m + (h % 4_990_000) / 100m;
        var interest = (h >> 24) % 20_000 / 100m;
        var penalty = (h >> 40) % 5_000 / 100m;
        var installment = Math.Round(principal / 12m, 2) + 1m;
        return new AccountRecord(
            Ref(i),
            (h & 3) == 0 ? Product.Card : Product.Installment,
            "CNY",
            new Balance(principal, interest, 0m, penalty),
            dueDate(i),
            installment,
            null,
            new Debtor($"{Surnames[h % 10]} {Given[(h >> 8) % 10]}", $"+86138{h % 100_000_000:D8}", null, timeZone(i), null),
            (int)((h >> 16) % 1000),
            customerId?.Invoke(i));
    }

    /// <summary>The record as one NDJSON line of the import format (API.md field names), newline included.</summary>
    public void WriteLine(int i, IBufferWriter<byte> output)
    {
        var r = Record(i);
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            json.WriteString("accountRef", r.AccountRef);
            json.WriteString("product", r.Product.ToString().ToLowerInvariant());
            json.WriteString("currency", r.Currency);
            json.WriteNumber("principal", r.Balance.Principal);
            json.WriteNumber("interest", r.Balance.Interest);
            json.WriteNumber("penalty", r.Balance.Penalty);
            json.WriteString("dueDate", r.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            json.WriteNumber("installmentAmount", r.InstallmentAmount!.Value);
            json.WriteString("borrowerName", r.Debtor.BorrowerName);
            json.WriteString("phone", r.Debtor.Phone);
            json.WriteString("timezone", r.Debtor.TimeZone);
            json.WriteNumber("score", r.Score!.Value);
            if (r.CustomerId is not null)
            {
                json.WriteString("customerId", r.CustomerId);
            }
            json.WriteEndObject();
        }

        output.Write("\n"u8);
    }

    private static ulong Hash(int i)
    {
        // SplitMix64: a fixed, well-spread function of i (wrapping arithmetic on purpose).
        unchecked
        {
            var z = (ulong)i + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}

/// <summary>An NDJSON body of accounts [from, to) of a portfolio, produced while it is sent (never buffered whole).</summary>
public sealed class NdjsonContent : HttpContent
{
    private readonly Portfolio portfolio;
    private readonly int from;
    private readonly int to;

    public NdjsonContent(Portfolio portfolio, int from, int to)
    {
        this.portfolio = portfolio;
        this.from = from;
        this.to = to;
        Headers.ContentType = new("application/x-ndjson");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256 * 1024);
        for (var i = from; i < to; i++)
        {
            portfolio.WriteLine(i, buffer);
            if (buffer.WrittenCount > 200 * 1024)
            {
                await stream.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }
        }

        await stream.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
