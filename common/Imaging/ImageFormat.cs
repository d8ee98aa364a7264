namespace ImageRec.Common.Imaging;

/// <summary>Container formats the service accepts, as recognised from their magic bytes.</summary>
public enum ImageFormat
{
    /// <summary>Not one of the supported formats (GIF, BMP, TIFF, text, …).</summary>
    Unknown = 0,
    Jpeg,
    Png,
    WebP,
}

/// <summary>Outcome of <see cref="ImageHeaderReader.Read"/>.</summary>
public enum ImageHeaderStatus
{
    /// <summary>The header was read; <see cref="ImageHeader"/> is filled in.</summary>
    Ok = 0,
    /// <summary>The data does not start with the signature of a supported format.</summary>
    UnsupportedFormat,
    /// <summary>The signature is one we support but the data ends before the size is known.</summary>
    Truncated,
    /// <summary>The signature is one we support but the header is malformed.</summary>
    Corrupt,
}
