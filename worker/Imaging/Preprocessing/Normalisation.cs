namespace ImageRec.Worker.Imaging.Preprocessing;

/// <summary>
/// The model's per-channel normalisation as one multiply-subtract: (v/255 − mean)/std == v·(1/(255·std)) − mean/std,
/// for v the resampled 0…255 value.
/// </summary>
internal readonly struct Normalisation
{
    public readonly float ScaleR, ScaleG, ScaleB, BiasR, BiasG, BiasB;

    public Normalisation(ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        ScaleR = 1f / (255f * std[0]);
        ScaleG = 1f / (255f * std[1]);
        ScaleB = 1f / (255f * std[2]);
        BiasR = mean[0] / std[0];
        BiasG = mean[1] / std[1];
        BiasB = mean[2] / std[2];
    }

    public static readonly Normalisation ImageNet = new(ImageNetModel.Mean, ImageNetModel.Std);
}
