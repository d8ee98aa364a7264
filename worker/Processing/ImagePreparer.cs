using ImageRec.Worker.Imaging;
using ImageRec.Worker.Imaging.Preprocessing;

namespace ImageRec.Worker.Processing;

/// <summary>Encoded image bytes in, one model input tensor out: decode (with DCT scaling when it helps), resize, crop, normalise.</summary>
public sealed class ImagePreparer(IImageDecoder decoder)
{
    public void Prepare(ReadOnlySpan<byte> encoded, Span<float> destination)
    {
        using var image = decoder.Decode(encoded, ImageNetModel.ResizeShortSide);
        ImageNetPreprocessor.Instance.Preprocess(image, destination);
    }
}
