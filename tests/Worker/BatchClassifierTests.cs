using ImageRec.Common.Contracts;
using ImageRec.Tests.BadInput;
using ImageRec.Tests.Infrastructure;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Inference;
using ImageRec.Worker.Processing;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Tests.Worker;

/// <summary>
/// The batch classifier the worker and <c>classify</c> share, with the real model and the test photos: a bad image
/// of a batch fails alone, with its reason, and the good ones get their reference labels from one model run.
/// </summary>
public sealed class BatchClassifierTests : IDisposable
{
    private readonly OnnxImageClassifier _classifier = new(
        RepositoryPaths.SharedFile("models", "mobilenetv2-12-int8.onnx"),
        OnnxImageClassifier.ReadLabels(RepositoryPaths.SharedFile("models", "imagenet_classes.txt")),
        new ModelInfo("mobilenetv2-12-int8", ""), new ClassifierOptions { IntraOpThreads = 1 }, NullLogger.Instance);

    private readonly IReadOnlyList<ExpectedLabel> _expected = ExpectedLabel.Load();

    public void Dispose() => _classifier.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Good_photos_get_their_labels_and_bad_inputs_their_reasons_from_one_model_run(int decodeThreads)
    {
        var (first, second, third) = (_expected[0], _expected[3], _expected[7]);
        byte[][] images =
        [
            BadInputFiles.SharedImage(first.File),
            BadInputFiles.Text("hello, this is not an image\n"),
            BadInputFiles.SharedImage(second.File),
            BadInputFiles.SharedImage(second.File)[..20],
            BadInputFiles.SharedImage(third.File),
        ];
        var batch = new TensorBatch(8);
        Array.Fill(batch.Logits, float.NaN);
        var results = new ClassifiedImage[images.Length];

        var modelMs = new BatchClassifier(new ImagePreparer(new ImageDecoder()), decodeThreads)
            .Classify(Encoded(images), batch, _classifier, results);

        Assert.True(modelMs > 0);
        AssertClassified(first, results[0]);
        AssertFailed(FailureReasons.UnsupportedType, results[1]);
        AssertClassified(second, results[2]);
        AssertFailed(FailureReasons.Undecodable, results[3]);
        AssertClassified(third, results[4]);
        Assert.All(results, result => Assert.True(result.DecodeMs > 0));
        // One run over the whole batch, failed slots included (it stays contiguous), and nothing past it.
        Assert.All(Enumerable.Range(0, images.Length), slot => Assert.DoesNotContain(batch.LogitsSlot(slot).ToArray(), float.IsNaN));
        Assert.All(Enumerable.Range(images.Length, batch.Capacity - images.Length), slot => Assert.All(batch.LogitsSlot(slot).ToArray(), l => Assert.True(float.IsNaN(l))));
    }

    [Fact]
    public void An_unexpected_exception_fails_its_image_alone_as_processing_failed_and_is_handed_back_for_the_log()
    {
        var photo = _expected[0];
        var preparer = new ImagePreparer(new ThrowingOnTextDecoder());
        var results = new ClassifiedImage[2];

        new BatchClassifier(preparer, decodeThreads: 1)
            .Classify(Encoded([BadInputFiles.Text("boom"), BadInputFiles.SharedImage(photo.File)]), new TensorBatch(2), _classifier, results);

        var failure = AssertFailed(FailureReasons.ProcessingFailed, results[0]);
        Assert.IsType<InvalidOperationException>(failure.Unexpected);
        Assert.Contains("the image could not be processed: boom", failure.Message);
        AssertClassified(photo, results[1]);
    }

    [Fact]
    public void More_images_than_the_batch_holds_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new BatchClassifier(new ImagePreparer(new ImageDecoder()), 1)
            .Classify(Encoded([[1], [2], [3]]), new TensorBatch(2), _classifier, new ClassifiedImage[3]));
        Assert.Contains("3 images do not fit a batch of 2", error.Message);
    }

    private static ReadOnlyMemory<byte>[] Encoded(byte[][] images) => Array.ConvertAll(images, image => (ReadOnlyMemory<byte>)image);

    private static void AssertClassified(ExpectedLabel expected, ClassifiedImage result)
    {
        Assert.Null(result.Failure);
        Assert.Equal(BatchClassifier.TopLabels, result.Labels.Length);
        Assert.Equal((expected.Index, expected.Label), (result.Labels[0].Index, result.Labels[0].Label));
    }

    private static ImageFailure AssertFailed(string reason, ClassifiedImage result)
    {
        var failure = Assert.IsType<ImageFailure>(result.Failure);
        Assert.Equal(reason, failure.Reason);
        Assert.NotEmpty(failure.Message);
        Assert.Empty(result.Labels);
        return failure;
    }

    /// <summary>The real decoder, except that text blows up as a bug in it would (not as a bad image does).</summary>
    private sealed class ThrowingOnTextDecoder : IImageDecoder
    {
        private readonly ImageDecoder _decoder = new();

        public DecodedImage Decode(ReadOnlySpan<byte> encoded, int minShortSide) =>
            encoded.StartsWith("boom"u8) ? throw new InvalidOperationException("boom") : _decoder.Decode(encoded, minShortSide);
    }
}
