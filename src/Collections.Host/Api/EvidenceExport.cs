using System.Collections.Immutable;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Grains.Documents;

namespace Collections.Host.Api;

/// <summary>
/// Writes the evidence bundle: the account, its documents, then the audit trail read a page at a time
/// and flushed after each page, so neither the silo nor this process ever holds a whole long history.
/// </summary>
public static class EvidenceBundleWriter
{
    public static JsonSerializerOptions JsonOptions(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    public static async Task WriteAsync(
        Utf8JsonWriter writer,
        Func<Task> flush,
        IAccountGrain account,
        AccountView view,
        ImmutableArray<DocumentView> documents,
        DateTimeOffset generatedAt,
        JsonSerializerOptions json,
        CancellationToken cancellationToken)
    {
        writer.WriteStartObject();
        writer.WriteString("lenderId", view.LenderId);
        writer.WriteString("accountRef", view.AccountRef);
        writer.WriteString("generatedAt", generatedAt);
        writer.WriteNumber("asOfSeq", view.EventCount);
        writer.WritePropertyName("account");
        JsonSerializer.Serialize(writer, view, json);
        writer.WritePropertyName("documents");
        JsonSerializer.Serialize(writer, documents.Select(DocumentResponse.From).ToList(), json);

        var counts = new SortedDictionary<EvidenceCategory, int>();
        var written = 0;
        writer.WriteStartArray("entries");
        await foreach (var stored in account.ReadAllAsync(view.EventCount, cancellationToken))
        {
            using var e = JsonDocument.Parse(stored);
            var root = e.RootElement;
            var type = root.GetProperty("type").GetString() ?? "";
            var category = Evidence.CategoryOf(type);
            counts[category] = counts.GetValueOrDefault(category) + 1;

            writer.WriteStartObject();
            writer.WriteNumber("seq", root.GetProperty("seq").GetInt64());
            writer.WritePropertyName("at");
            root.GetProperty("at").WriteTo(writer);
            writer.WriteString("type", type);
            writer.WriteString("category", category.ToString());
            writer.WritePropertyName("actor");
            root.GetProperty("actor").WriteTo(writer);
            writer.WritePropertyName("data");
            root.GetProperty("data").WriteTo(writer);
            writer.WriteEndObject();

            if (++written % AccountHistory.PageSize == 0)
            {
                await flush();
            }
        }

        writer.WriteEndArray();
        writer.WriteStartObject("counts");
        foreach (var (category, count) in counts)
        {
            writer.WriteNumber(category.ToString(), count);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        await flush();
    }
}

/// <summary>
/// The evidence bundle as a zip, streamed: <c>bundle.json</c>, every document as
/// <c>documents/{documentId}-{name}</c>, and <c>manifest.sha256</c> — the SHA-256 of every other file,
/// in the format <c>sha256sum -c</c> checks, computed from the bytes as they were written into the zip.
/// A document whose stored bytes no longer match the hash it was added with shows in the manifest with
/// the hash of what was read, which then differs from the one the bundle lists.
/// </summary>
public sealed partial class EvidenceZipResult(IAccountGrain account, AccountView view, ImmutableArray<DocumentView> documents, DateTimeOffset generatedAt) : IResult
{
    public const string BundleEntry = "bundle.json";

    public const string ManifestEntry = "manifest.sha256";

    /// <summary>The zip entry of a document: its id, and its file name (or kind) in safe characters.</summary>
    public static string EntryOf(DocumentView document)
    {
        var name = UnsafeCharacters().Replace(document.FileName ?? document.Kind.ToString(), "_");
        return $"documents/{document.DocumentId}-{(name.Length > 100 ? name[^100..] : name)}";
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var aborted = httpContext.RequestAborted;
        var store = httpContext.RequestServices.GetRequiredService<IDocumentStore>();
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/zip";
        httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"evidence-{view.LenderId}-{view.AccountRef}-{view.EventCount}.zip\"";

        var manifest = new StringBuilder();
        var body = new SyncWritesHeld(httpContext.Response.Body);
        await using (var zip = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, aborted))
        {
            await WriteEntriesAsync(zip, store, manifest, httpContext, aborted);
        }

        await body.FlushAsync(aborted);
    }

    private async Task WriteEntriesAsync(ZipArchive zip, IDocumentStore store, StringBuilder manifest, HttpContext httpContext, CancellationToken aborted)
    {
        await WriteEntryAsync(zip, BundleEntry, manifest, async stream =>
        {
            await using var writer = new Utf8JsonWriter(stream);
            await EvidenceBundleWriter.WriteAsync(writer, () => writer.FlushAsync(aborted), account, view, documents, generatedAt,
                EvidenceBundleWriter.JsonOptions(httpContext), aborted);
        }, aborted);

        foreach (var document in documents)
        {
            await using var content = await store.OpenAsync(document.StorageId, aborted)
                ?? throw new InvalidOperationException($"Document {document.DocumentId} of {view.LenderId}/{view.AccountRef} is missing from the document store ({document.Sha256}).");
            await WriteEntryAsync(zip, EntryOf(document), manifest, stream => content.CopyToAsync(stream, aborted), aborted);
        }

        var entry = zip.CreateEntry(ManifestEntry, CompressionLevel.Optimal);
        await using (var stream = await entry.OpenAsync(aborted))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(manifest.ToString()), aborted);
        }
    }

    /// <summary>Writes one entry through a hash of its bytes, and adds its line to the manifest.</summary>
    private static async Task WriteEntryAsync(ZipArchive zip, string name, StringBuilder manifest, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        await using var stream = await entry.OpenAsync(cancellationToken);
        await using var hashing = new HashingStream(stream);
        await write(hashing);
        manifest.Append(Convert.ToHexStringLower(hashing.Hash())).Append("  ").Append(name).Append('\n');
    }

    /// <summary>
    /// The response as the zip writes it: the zip writes an entry's data descriptor and its central directory
    /// synchronously, which the server refuses; those few bytes are held and sent with the next asynchronous
    /// write or flush. Entry data passes straight through.
    /// </summary>
    private sealed class SyncWritesHeld(Stream response) : Stream
    {
        private readonly MemoryStream held = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => held.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => held.Write(buffer);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await SendHeldAsync(cancellationToken);
            await response.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            await SendHeldAsync(cancellationToken);
            await response.FlushAsync(cancellationToken);
        }

        /// <summary>Nothing to do synchronously: held bytes go out on the next asynchronous write or flush.</summary>
        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                held.Dispose();
            }

            base.Dispose(disposing);
        }

        private async Task SendHeldAsync(CancellationToken cancellationToken)
        {
            if (held.Length > 0)
            {
                await response.WriteAsync(held.GetBuffer().AsMemory(0, (int)held.Length), cancellationToken);
                held.SetLength(0);
            }
        }
    }

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeCharacters();

    /// <summary>A write-only stream that hashes what passes through it on its way to <c>inner</c> (which it does not own).</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public byte[] Hash() => hash.GetCurrentHash();

        public override void Write(byte[] buffer, int offset, int count)
        {
            hash.AppendData(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
