using System.Buffers;
using System.Security.Cryptography;
using ImageRec.Common.Imaging;

namespace ImageRec.WebTier.Uploads;

/// <summary>An accepted upload held in a pooled buffer until it is stored; dispose to return the buffer.</summary>
public sealed class UploadedImage(string fileName, byte[] buffer, int length, ImageHeader header) : IDisposable
{
    private byte[]? _buffer = buffer;

    /// <summary>The client's file name without directories (never trusted for anything but display).</summary>
    public string FileName { get; } = fileName;
    public ImageHeader Header { get; } = header;
    public int Length { get; } = length;

    /// <summary>A read-only stream over the bytes, without copying them.</summary>
    public Stream OpenRead() =>
        new MemoryStream(_buffer ?? throw new ObjectDisposedException(nameof(UploadedImage)), 0, Length, writable: false);

    /// <summary>SHA-256 of the bytes, lowercase hex: tells a retried upload's image from a different one.</summary>
    public string ContentSha256() =>
        Convert.ToHexStringLower(SHA256.HashData((_buffer ?? throw new ObjectDisposedException(nameof(UploadedImage))).AsSpan(0, Length)));

    public string ContentType => Header.Format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.WebP => "image/webp",
        _ => "application/octet-stream",
    };

    public void Dispose()
    {
        if (_buffer is null) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
    }
}
