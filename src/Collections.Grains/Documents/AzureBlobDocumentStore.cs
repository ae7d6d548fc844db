using System.Buffers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Collections.Domain.Accounts;

namespace Collections.Grains.Documents;

/// <summary>
/// Documents on Azure Blob storage (the AzureStorage provider), content-addressed as on the file system:
/// an upload is staged block by block on <c>incoming/{guid}</c> while it is hashed (one block in memory at
/// a time, never the whole document), then copied within the account to <c>sha256/{sha}</c>, which is
/// written once and never changed. The storage id is the SHA-256 (lower-case hex).
/// </summary>
/// <remarks>
/// A block blob's staged blocks belong to the name they were staged under, and the name is known only once
/// the last byte is hashed: hence the server-side copy. An upload cut short leaves uncommitted blocks that
/// the service discards on its own (after a week); a committed staging blob is deleted at once.
/// </remarks>
public sealed partial class AzureBlobDocumentStore(BlobServiceClient blobs, string serviceId) : IDocumentStore
{
    private const int BlockSize = 4 * 1024 * 1024;

    private readonly BlobContainerClient container = blobs.GetBlobContainerClient(ContainerName(serviceId));
    private readonly Lazy<Task> created = new(() => blobs.GetBlobContainerClient(ContainerName(serviceId)).CreateIfNotExistsAsync());

    public async Task<StoredContent> PutAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        await created.Value;
        var staging = container.GetBlockBlobClient($"incoming/{Guid.NewGuid():N}");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        var blocks = new List<string>();
        long size = 0;
        try
        {
            int filled;
            while ((filled = await FillAsync(content, buffer, cancellationToken)) > 0)
            {
                size += filled;
                if (size > maxBytes)
                {
                    throw new DocumentTooLargeException(maxBytes);
                }

                hash.AppendData(buffer, 0, filled);

                // Block ids must all have the same length: a fixed-width number, base64-encoded.
                var id = Convert.ToBase64String(BitConverter.GetBytes(blocks.Count));
                using var block = new MemoryStream(buffer, 0, filled, writable: false);
                await staging.StageBlockAsync(id, block, cancellationToken: cancellationToken);
                blocks.Add(id);
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            var target = container.GetBlobClient(NameOf(sha256));
            if (!await target.ExistsAsync(cancellationToken))
            {
                await staging.CommitBlockListAsync(blocks, cancellationToken: cancellationToken);
                await CopyOnceAsync(staging, target, cancellationToken);
            }

            return new StoredContent(sha256, size, sha256);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await staging.DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>Hashed first, then one upload straight to its address, refused by the service if the same bytes are there.</summary>
    public async Task<StoredContent> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        await created.Value;
        try
        {
            await container.GetBlobClient(NameOf(sha256)).UploadAsync(
                BinaryData.FromBytes(content),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            // Stored already.
        }

        return new StoredContent(sha256, content.Length, sha256);
    }

    public async Task<Stream?> OpenAsync(string storageId, CancellationToken cancellationToken)
    {
        if (!Sha256Hex().IsMatch(storageId))
        {
            return null;
        }

        await created.Value;
        try
        {
            return await container.GetBlobClient(NameOf(storageId)).OpenReadAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Copies the staged content to its content address unless it is already there (the same bytes arriving at once).</summary>
    private static async Task CopyOnceAsync(BlockBlobClient staging, BlobClient target, CancellationToken cancellationToken)
    {
        try
        {
            var copy = await target.StartCopyFromUriAsync(
                staging.Uri,
                new BlobCopyFromUriOptions { DestinationConditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
            await copy.WaitForCompletionAsync(cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            // Stored already, by the other upload of the same bytes.
        }
    }

    /// <summary>Reads until the buffer's block is full or the stream ends: the number of bytes read.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < BlockSize && (read = await content.ReadAsync(buffer.AsMemory(filled, BlockSize - filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        return filled;
    }

    private static string NameOf(string sha256) => $"sha256/{sha256}";

    /// <summary>A container name (3–63 lower-case letters, digits and single hyphens) from the cluster's service id.</summary>
    private static string ContainerName(string serviceId)
    {
        var name = NotNameCharacters().Replace(serviceId.ToLowerInvariant(), "-").Trim('-');
        name = MultipleHyphens().Replace($"{name}-documents", "-");
        return name.Length <= 63 ? name.TrimStart('-') : name[^63..].TrimStart('-');
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex("[^a-z0-9-]")]
    private static partial Regex NotNameCharacters();

    [GeneratedRegex("-{2,}")]
    private static partial Regex MultipleHyphens();
}
