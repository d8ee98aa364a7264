namespace ImageRec.Worker.Imaging;

/// <summary>Decodes an encoded image into RGB24 pixels.</summary>
public interface IImageDecoder
{
    /// <summary>
    /// Decodes <paramref name="encoded"/> to 8-bit RGB (greyscale and CMYK converted, alpha dropped).
    /// A decoder may return a smaller image than stored when it can scale during decoding (JPEG DCT scaling),
    /// but never one whose shorter side is below <paramref name="minShortSide"/> unless the stored image already is;
    /// pass 0 to always decode at full size.
    /// </summary>
    /// <exception cref="ImageDecodeException">The data is not a decodable image; the message says why.</exception>
    DecodedImage Decode(ReadOnlySpan<byte> encoded, int minShortSide);
}
