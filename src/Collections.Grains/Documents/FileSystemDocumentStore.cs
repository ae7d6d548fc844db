using System.Buffers;
using System.Collections.Concurrent;
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

    /// <summary>Resolved once: a relative path is resolved against the working directory (a system call each time).</summary>
    private readonly string root = Path.GetFullPath(options.Value.Path);

    /// <summary>Directories this process has made sure of: a letter per account would otherwise check its two each time.</summary>
    private readonly ConcurrentDictionary<string, bool> directories = new(StringComparer.Ordinal);

    public async Task<StoredContent> PutAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var temporary = Temporary();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        try
        {
            await using (var file = CreateReadOnly(temporary, FileOptions.Asynchronous))
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
            if (!File.Exists(target))
            {
                Rename(temporary, target);
            }

            return new StoredContent(sha256, size, sha256);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Synchronous on purpose: a few kilobytes to the page cache take microseconds, while .NET's asynchronous
    /// file calls on Linux hop to the thread pool for each (a letter was 14 % of a silo's CPU in an import).
    /// A letter per contact makes this the silo's busiest file path, so a new content costs what its atomic
    /// arrival needs — open (created read-only on Unix), write, close, rename, and the advisory lock .NET
    /// takes on the open file — and content already stored one stat.
    /// </summary>
    public Task<StoredContent> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var target = PathOf(sha256);
        if (!File.Exists(target))
        {
            var temporary = Temporary();
            try
            {
                using (var file = CreateReadOnly(temporary, FileOptions.None))
                {
                    RandomAccess.Write(file.SafeFileHandle, content.Span, 0);
                }

                Rename(temporary, target);
            }
            catch
            {
                File.Delete(temporary);
                throw;
            }
        }

        return Task.FromResult(new StoredContent(sha256, content.Length, sha256));
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

    private string PathOf(string sha256) => Path.Combine(root, sha256[..2], sha256);

    /// <summary>A new temporary file's name under <c>incoming</c> (on the store's own file system, so the move is a rename).</summary>
    private string Temporary() => Path.Combine(EnsureDirectory(Path.Combine(root, "incoming")), $"{Guid.NewGuid():N}.part");

    /// <summary>Renames a complete temporary file to its content address (its directory made sure of once), where it is read-only.</summary>
    private void Rename(string temporary, string target)
    {
        EnsureDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(temporary, target);
            if (OperatingSystem.IsWindows())
            {
                // Unix files are created read-only (CreateReadOnly); Windows has no such mode.
                File.SetAttributes(target, FileAttributes.ReadOnly);
            }
        }
        catch (IOException) when (File.Exists(target))
        {
            // The same content arrived at the same moment: it is stored either way.
            File.Delete(temporary);
        }
    }

    private string EnsureDirectory(string path)
    {
        if (!directories.ContainsKey(path))
        {
            Directory.CreateDirectory(path);
            directories.TryAdd(path, true);
        }

        return path;
    }

    /// <summary>A new file to write, created read-only on Unix (the mode applies to later opens; this handle may write).</summary>
    private static FileStream CreateReadOnly(string path, FileOptions options)
    {
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        return new FileStream(path, create);
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
