using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace Collections.Cli.Import;

/// <summary>
/// A request body that streams one chunk straight from the file (after the CSV header): nothing is held
/// but a copy buffer. It reopens the file each time it is sent, so a resend sends the same bytes.
/// </summary>
public sealed class ChunkContent : HttpContent
{
    private const int CopyBufferBytes = 64 * 1024;

    private readonly Func<Stream> open;
    private readonly ReadOnlyMemory<byte> header;
    private readonly ImportChunk chunk;
    private readonly Action<long>? progress;

    /// <param name="open">Opens the file for reading.</param>
    /// <param name="header">Sent first (the CSV header row), or empty.</param>
    /// <param name="chunk">The byte range to send.</param>
    /// <param name="format">Sets the content type.</param>
    /// <param name="progress">Told how many of the chunk's bytes have been written so far.</param>
    public ChunkContent(Func<Stream> open, ReadOnlyMemory<byte> header, ImportChunk chunk, ImportFormat format, Action<long>? progress = null)
    {
        this.open = open;
        this.header = header;
        this.chunk = chunk;
        this.progress = progress;
        Headers.ContentType = new MediaTypeHeaderValue(format.MediaType()) { CharSet = "utf-8" };
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (!header.IsEmpty)
        {
            await stream.WriteAsync(header, cancellationToken);
        }

        await using var file = open();
        file.Seek(chunk.Offset, SeekOrigin.Begin);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            long sent = 0;
            while (sent < chunk.Length)
            {
                var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, chunk.Length - sent)), cancellationToken);
                if (read == 0)
                {
                    throw new IOException("The file became shorter while it was being imported; import a file that is not being written to.");
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                sent += read;
                progress?.Invoke(sent);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = header.Length + chunk.Length;
        return true;
    }
}
