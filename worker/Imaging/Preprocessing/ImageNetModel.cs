namespace ImageRec.Worker.Imaging.Preprocessing;

/// <summary>
/// Input contract of the ImageNet classifier (shared/models/README.md, "Preprocessing"): the one place that holds
/// the sizes and the normalisation constants.
/// </summary>
public static class ImageNetModel
{
    /// <summary>Side of the square network input (center crop).</summary>
    public const int InputSize = 224;

    /// <summary>The shorter side of the image is resized to this before cropping.</summary>
    public const int ResizeShortSide = 256;

    /// <summary>R, G, B.</summary>
    public const int Channels = 3;

    /// <summary>Floats in one NCHW image: 3 × 224 × 224.</summary>
    public const int TensorLength = Channels * InputSize * InputSize;

    /// <summary>Floats in one channel plane: 224 × 224.</summary>
    public const int PlaneLength = InputSize * InputSize;

    /// <summary>Per-channel mean (R, G, B) of the [0,1]-scaled input.</summary>
    public static ReadOnlySpan<float> Mean => [0.485f, 0.456f, 0.406f];

    /// <summary>Per-channel standard deviation (R, G, B) of the [0,1]-scaled input.</summary>
    public static ReadOnlySpan<float> Std => [0.229f, 0.224f, 0.225f];

    /// <summary>
    /// Size after "resize so the shorter side is 256, keeping the aspect ratio": the long side is floor(256·long/short).
    /// </summary>
    public static (int Width, int Height) ResizedSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (width <= height)
            return (ResizeShortSide, checked((int)((long)ResizeShortSide * height / width)));
        return (checked((int)((long)ResizeShortSide * width / height)), ResizeShortSide);
    }

    /// <summary>Top-left corner of the center crop: round((W−224)/2), round((H−224)/2), halves rounded up.</summary>
    public static (int Left, int Top) CropOrigin(int resizedWidth, int resizedHeight) =>
        ((int)Math.Round((resizedWidth - InputSize) / 2.0, MidpointRounding.AwayFromZero),
         (int)Math.Round((resizedHeight - InputSize) / 2.0, MidpointRounding.AwayFromZero));
}
