using System.Security.Cryptography;
using Collections.Domain.Accounts;
using Collections.Grains.Documents;
using Collections.Testing;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Tests;

/// <summary>What every document store must do, on the file system and on Azure Blob storage (Azurite).</summary>
public abstract class DocumentStoreContract
{
    protected abstract IDocumentStore Store { get; }

    [Fact]
    public async Task What_is_put_opens_as_the_same_bytes_under_its_sha256_and_the_same_bytes_twice_are_one_document()
    {
        // Larger than one Azure block (4 MiB), so the upload is staged in several.
        var bytes = new byte[9 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(bytes);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));

        var stored = await Store.PutAsync(new MemoryStream(bytes), long.MaxValue, CancellationToken.None);
        var again = await Store.PutAsync(new MemoryStream(bytes), long.MaxValue, CancellationToken.None);

        Assert.Equal((sha256, (long)bytes.Length, sha256), (stored.Sha256, stored.Size, stored.StorageId));
        Assert.Equal(stored, again);
        await using var opened = await Store.OpenAsync(stored.StorageId, CancellationToken.None);
        using var read = new MemoryStream();
        await opened!.CopyToAsync(read);
        Assert.Equal(bytes, read.ToArray());
    }

    [Fact]
    public async Task Bytes_in_memory_are_stored_like_a_stream_of_them_and_many_at_once_each_once()
    {
        var letters = Enumerable.Range(0, 40).Select(i => System.Text.Encoding.UTF8.GetBytes($"Letter {i}: 您的账户已逾期 {Guid.NewGuid()}")).ToList();

        // Each letter put twice at once from memory, then once more as a stream: one document each.
        var stored = await Task.WhenAll(letters.Concat(letters).Select(l => Store.PutAsync(l, CancellationToken.None)));
        var streamed = await Task.WhenAll(letters.Select(l => Store.PutAsync(new MemoryStream(l), long.MaxValue, CancellationToken.None)));

        for (var i = 0; i < letters.Count; i++)
        {
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(letters[i]));
            Assert.Equal(new StoredContent(sha256, letters[i].Length, sha256), stored[i]);
            Assert.Equal(stored[i], stored[i + letters.Count]);
            Assert.Equal(stored[i], streamed[i]);
            await using var opened = await Store.OpenAsync(sha256, CancellationToken.None);
            using var read = new MemoryStream();
            await opened!.CopyToAsync(read);
            Assert.Equal(letters[i], read.ToArray());
        }
    }

    [Fact]
    public async Task An_upload_over_the_limit_throws_with_the_limit_and_keeps_nothing()
    {
        var bytes = new byte[5000];
        Random.Shared.NextBytes(bytes);

        var refused = await Assert.ThrowsAsync<DocumentTooLargeException>(() => Store.PutAsync(new MemoryStream(bytes), 4096, CancellationToken.None));

        Assert.Equal(4096, refused.MaxBytes);
        Assert.Null(await Store.OpenAsync(Convert.ToHexStringLower(SHA256.HashData(bytes)), CancellationToken.None));
    }

    [Fact]
    public async Task An_id_that_is_not_a_sha256_or_was_never_stored_opens_nothing()
    {
        Assert.Null(await Store.OpenAsync("../../etc/passwd", CancellationToken.None));
        Assert.Null(await Store.OpenAsync(new string('0', 64), CancellationToken.None));
    }
}

public sealed class FileSystemDocumentStoreTests : DocumentStoreContract, IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("documents-").FullName;

    public FileSystemDocumentStoreTests() => Store = new FileSystemDocumentStore(Options.Create(new DocumentOptions { Path = root }));

    protected override IDocumentStore Store { get; }

    [Fact]
    public async Task A_stored_document_is_a_read_only_file_named_by_its_sha256_and_no_temporary_file_is_left()
    {
        var letter = System.Text.Encoding.UTF8.GetBytes($"Letter: 您的账户已逾期 {Guid.NewGuid()}");
        var upload = System.Text.Encoding.UTF8.GetBytes($"Upload {Guid.NewGuid()}");

        var stored = await Task.WhenAll(
            Store.PutAsync(letter, CancellationToken.None),
            Store.PutAsync(letter, CancellationToken.None),
            Store.PutAsync(new MemoryStream(upload), long.MaxValue, CancellationToken.None));

        foreach (var document in stored)
        {
            var path = Path.Combine(root, document.Sha256[..2], document.Sha256);
            Assert.True(new FileInfo(path).IsReadOnly, $"{path} is writable");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(path) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
            }
        }

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(root, "incoming")));
    }

    public void Dispose()
    {
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(root, recursive: true);
    }
}

public sealed class AzureBlobDocumentStoreTests(AzuriteFixture azurite) : DocumentStoreContract, IClassFixture<AzuriteFixture>
{
    protected override IDocumentStore Store { get; } = new AzureBlobDocumentStore(new Azure.Storage.Blobs.BlobServiceClient(azurite.Server.ConnectionString), "Test.Cluster_1");
}
