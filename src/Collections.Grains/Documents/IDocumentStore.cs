using Collections.Domain.Accounts;

namespace Collections.Grains.Documents;

/// <summary>
/// Where document content lives, content-addressed and never changed. Small on purpose: put a stream
/// (hashed while it is copied, never held whole), open what was put.
/// </summary>
public interface IDocumentStore
{
    /// <summary>
    /// Stores <paramref name="content"/> read to its end; the same bytes twice are stored once. Past
    /// <paramref name="maxBytes"/> it stops reading, keeps nothing and throws <see cref="DocumentTooLargeException"/>.
    /// </summary>
    Task<StoredContent> PutAsync(Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>
    /// Stores content already in memory (the engine's own letters, a few kilobytes): hashed first, so content
    /// stored before costs no write, and written once under its address with no staging copy.
    /// </summary>
    Task<StoredContent> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>The content stored under <paramref name="storageId"/>, to be read to its end; null when it is not there.</summary>
    Task<Stream?> OpenAsync(string storageId, CancellationToken cancellationToken);
}

/// <summary>An upload larger than the configured limit (<c>Collections:Documents:MaxBytes</c>).</summary>
public sealed class DocumentTooLargeException(long maxBytes)
    : Exception($"The document is larger than the limit of {maxBytes} bytes (Collections:Documents:MaxBytes).")
{
    public long MaxBytes { get; } = maxBytes;
}
