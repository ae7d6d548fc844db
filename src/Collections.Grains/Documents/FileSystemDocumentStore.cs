using System.Buffers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Collections.Domain.Accounts;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Documents;

/// <summary>
/// Documents as files: an upload is written to a temporary file while it is hashed, then moved to
/// <c>{Path}/{sha[0..2]}/{sha}</c> and made read-only, so a stored document is whole or absent and its
/// name proves its content. The storage id is the SHA-256 (lower-case hex).
/// </summary>
public sealed partial class FileSystemDocumentStore(IOptions<DocumentOptions> options) : IDocumentStore
{
    private const int BufferSize = 81_920;

    private string Root => Path.GetFullPath(options.Value.Path);

    public async Task<StoredContent> PutAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var incoming = Path.Combine(Root, "incoming");
        Directory.CreateDirectory(incoming);
        var temporary = Path.Combine(incoming, $"{Guid.NewGuid():N}.part");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                {
                    size += read;
                    if (size > maxBytes)
                    {
                        throw new DocumentTooLargeException(maxBytes);
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                await file.FlushAsync(cancellationToken);
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            var target = PathOf(sha256);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target))
            {
                try
                {
                    File.Move(temporary, target);
                    File.SetAttributes(target, FileAttributes.ReadOnly);
                }
                catch (IOException) when (File.Exists(target))
                {
                    // The same content arrived at the same moment: it is stored either way.
                }
            }

            return new StoredContent(sha256, size, sha256);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            File.Delete(temporary);
        }
    }

    public Task<Stream?> OpenAsync(string storageId, CancellationToken cancellationToken)
    {
        if (!Sha256Hex().IsMatch(storageId) || !File.Exists(PathOf(storageId)))
        {
            return Task.FromResult<Stream?>(null);
        }

        Stream stream = new FileStream(PathOf(storageId), FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Task.FromResult<Stream?>(stream);
    }

    private string PathOf(string sha256) => Path.Combine(Root, sha256[..2], sha256);

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
