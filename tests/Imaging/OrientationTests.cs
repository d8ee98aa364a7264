using ImageRec.Common.Imaging;
using ImageRec.Tests.BadInput;
using ImageRec.Tests.Imaging.Builders;
using ImageRec.Tests.Infrastructure;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Imaging.Preprocessing;
using ImageRec.Worker.Inference;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.Imaging;

/// <summary>
/// EXIF orientation honoured: an image stored turned or mirrored, tagged so, gives the tensor and the label of the
/// upright image. The stored pixels are made from the TIFF wording of each value (<see cref="OrientedImage"/>),
/// independently of how the preprocessor folds the turn into its sampling.
/// </summary>
public sealed class OrientationTests
{
    public static TheoryData<ImageOrientation, int, int, bool> OrientationsSizesKernels()
    {
        var data = new TheoryData<ImageOrientation, int, int, bool>();
        foreach (var o in Enum.GetValues<ImageOrientation>())
            foreach (var (w, h) in new[] { (300, 257), (257, 300), (500, 375), (150, 90), (1200, 900) })
                foreach (bool simd in new[] { true, false })
                    data.Add(o, w, h, simd);
        return data;
    }

    [Theory]
    [MemberData(nameof(OrientationsSizesKernels))]
    public void A_stored_turned_image_gives_the_upright_tensor(ImageOrientation orientation, int width, int height, bool simd)
    {
        byte[] upright = Pattern(width, height);
        var (stored, sw, sh) = OrientedImage.Stored(upright, width, height, orientation);

        float[] expected = Tensor(upright, width, height, ImageOrientation.Normal, simd);
        float[] actual = Tensor(stored, sw, sh, orientation, simd);

        int worst = Enumerable.Range(0, expected.Length).MaxBy(i => Math.Abs(expected[i] - actual[i]));
        Assert.True(Math.Abs(expected[worst] - actual[worst]) < 1e-4,
            $"{orientation} {width}×{height}: element {worst} is {actual[worst]}, upright {expected[worst]}");
    }

    [Fact]
    public void Normal_orientation_is_the_plain_path()
    {
        byte[] rgb = Pattern(500, 375);
        var plain = new float[ImageNetModel.TensorLength];
        ImageNetPreprocessor.Preprocess(rgb, 500, 375, 1500, plain);
        Assert.Equal(plain, Tensor(rgb, 500, 375, ImageOrientation.Normal, simd: true));
    }

    [Fact]
    public async Task A_photo_stored_turned_and_tagged_classifies_like_the_upright_one()
    {
        using var classifier = await new ModelLoader(Options.Create(new ClassifierOptions
        {
            Uri = RepositoryPaths.SharedFile("models", "mobilenetv2-12-int8.onnx"),
            LabelsUri = RepositoryPaths.SharedFile("models", "imagenet_classes.txt"),
        }), s3: null, NullLogger<ModelLoader>.Instance).LoadAsync(CancellationToken.None);
        using var decoder = new ImageDecoder();
        var orientations = Enum.GetValues<ImageOrientation>();

        // Tagged files, then the same stored pixels untagged (the control: what ignoring the tag would give).
        var files = orientations.Select(o => BadInputFiles.LampStored(o))
            .Concat(orientations.Select(BadInputFiles.LampStoredUntagged)).ToArray();
        var batch = new TensorBatch(files.Length);
        for (int i = 0; i < files.Length; i++)
        {
            using var image = decoder.Decode(files[i], ImageNetModel.ResizeShortSide);
            ImageNetPreprocessor.Instance.Preprocess(image, batch.InputSlot(i));
        }
        classifier.Run(batch.Input, batch.Logits, files.Length);
        string Top1(int i) => classifier.TopK(batch.LogitsSlot(i), 1)[0].Label;

        var upright = batch.InputSlot(0).ToArray();
        for (int i = 0; i < orientations.Length; i++)
        {
            Assert.Equal((orientations[i], BadInputFiles.LampLabel), (orientations[i], Top1(i)));
            // JPEG re-encoding of turned blocks differs a little; one 8-bit step is ~0.017 after normalisation.
            var turned = batch.InputSlot(i);
            double mean = 0;
            for (int k = 0; k < upright.Length; k++) mean += Math.Abs(upright[k] - turned[k]);
            mean /= upright.Length;
            Assert.True(mean < 0.02, $"{orientations[i]}: mean |Δ| {mean:F4} from the upright tensor");
        }
        // The tag is what makes this work: seen as stored, the turned lamp is not a lamp.
        foreach (var o in new[] { ImageOrientation.Rotate90, ImageOrientation.Rotate180, ImageOrientation.Rotate270 })
            Assert.NotEqual(BadInputFiles.LampLabel, Top1(orientations.Length + Array.IndexOf(orientations, o)));
    }

    private static float[] Tensor(byte[] rgb, int w, int h, ImageOrientation orientation, bool simd)
    {
        var tensor = new float[ImageNetModel.TensorLength];
        ImageNetPreprocessor.Preprocess(rgb, w, h, w * 3, tensor, simd, orientation);
        return tensor;
    }

    /// <summary>No symmetry to hide a wrong turn: ramps in different directions per channel, plus noise.</summary>
    private static byte[] Pattern(int w, int h)
    {
        var rng = new Random(w * 31 + h);
        var rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = (y * w + x) * 3;
                rgb[i] = (byte)(x * 255 / w);
                rgb[i + 1] = (byte)(y * 255 / h);
                rgb[i + 2] = (byte)rng.Next(256);
            }
        return rgb;
    }
}
