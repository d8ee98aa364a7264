using ImageRec.Common.Contracts;
using ImageRec.Tests.Infrastructure;
using ImageRec.Worker.Inference;
using Microsoft.Extensions.Logging;

namespace ImageRec.Tests.Worker;

/// <summary>
/// The CUDA path on a machine without CUDA (this one: the ONNX Runtime build here is CPU-only): a pool
/// that prefers a GPU falls back to the CPU with a warning; one that requires it fails at start with a
/// message that says why.
/// </summary>
public sealed class ExecutionProviderTests
{
    private static OnnxImageClassifier Create(ClassifierOptions options, ILogger logger) => new(
        RepositoryPaths.SharedFile("models", "mobilenetv2-12-int8.onnx"),
        OnnxImageClassifier.ReadLabels(RepositoryPaths.SharedFile("models", "imagenet_classes.txt")),
        new ModelInfo("mobilenetv2-12-int8", ""), options, logger);

    [Fact]
    public void Preferring_cuda_without_it_falls_back_to_cpu_with_a_warning()
    {
        var logger = new RecordingLogger();
        using var classifier = Create(new ClassifierOptions { ExecutionProvider = "cuda", RequireGpu = false }, logger);
        Assert.Equal("cpu", classifier.ExecutionProvider);
        Assert.Contains(logger.Warnings, w => w.Contains("CUDA execution provider unavailable") && w.Contains("running the model on CPU"));

        // And it still classifies.
        var input = new float[ImageRec.Worker.Imaging.Preprocessing.ImageNetModel.TensorLength];
        var logits = new float[OnnxImageClassifier.ClassCount];
        classifier.Run(input, logits, 1);
        Assert.Contains(logits, l => l != 0);
    }

    [Fact]
    public void Requiring_cuda_without_it_fails_with_a_clear_message()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Create(new ClassifierOptions { ExecutionProvider = "cuda", RequireGpu = true }, new RecordingLogger()));
        Assert.Contains("CUDA was required (Model:RequireGpu=true) but is not available", error.Message);
    }
}
