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

    /// <summary>A new file, created read-only on Unix (the mode applies to later opens; this handle may write).</summary>
    private static readonly FileStreamOptions ReadOnlyNew = NewFileOptions();

    public async Task<StoredContent> PutAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var temporary = Temporary();
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
            MoveOnce(temporary, sha256);
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
                using (var file = new FileStream(temporary, ReadOnlyNew))
                {
                    RandomAccess.Write(file.SafeFileHandle, content.Span, 0);
                }

                if (OperatingSystem.IsWindows())
                {
                    File.SetAttributes(temporary, FileAttributes.ReadOnly);
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

    /// <summary>Moves a complete temporary file to its content address and makes it read-only, unless that is already there.</summary>
    private void MoveOnce(string temporary, string sha256)
    {
        var target = PathOf(sha256);
        if (File.Exists(target))
        {
            return;
        }

        File.SetAttributes(temporary, FileAttributes.ReadOnly);
        Rename(temporary, target);
    }

    /// <summary>Renames a complete (read-only) temporary file to its content address, made sure of once per directory.</summary>
    private void Rename(string temporary, string target)
    {
        EnsureDirectory(Path.GetDirectoryName(target)!);
        try
        {
            File.Move(temporary, target);
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

    private static FileStreamOptions NewFileOptions()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        return options;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
