namespace ImageRec.Worker.Inference;

/// <summary>Shape of the model's tensors (see ../shared/models/README.md: NCHW float32 in, raw logits out).</summary>
public static class ModelGeometry
{
    public const int Channels = 3;
    public const int InputSize = 224;
    public const int ImageLength = Channels * InputSize * InputSize;
    public const int ClassCount = 1000;
}
