using BenchmarkDotNet.Attributes;
using ImageRec.Common.Contracts;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Imaging.Preprocessing;
using ImageRec.Worker.Inference;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Benchmarks;

/// <summary>
/// <see cref="OnnxImageClassifier.Run"/> with the worker's session options (all cores, no thread spinning) on
/// MobileNetV2 int8. Both benches report time per image (OperationsPerInvoke = 8): eight runs of batch 1
/// (baseline) against one run of batch 8, so the ratio is what batching saves per image. ONNX Runtime's
/// thread pool makes these the noisiest figures here, more so on a shared machine.
/// </summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private const int Batch = 8;

    private OnnxImageClassifier _classifier = null!;
    private TensorBatch _batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _classifier = new OnnxImageClassifier(BenchPaths.Model, [], new ModelInfo("mobilenetv2-12-int8", ""),
            new ClassifierOptions(), NullLogger.Instance);
        _batch = new TensorBatch(Batch);
        // Real inputs (decoded and preprocessed test photos), not zeros.
        using var decoder = new ImageDecoder();
        for (int i = 0; i < Batch; i++)
        {
            using var image = decoder.Decode(File.ReadAllBytes(BenchPaths.TestImage($"img_{i:00}.jpg")), ImageNetModel.ResizeShortSide);
            ImageNetPreprocessor.Instance.Preprocess(image, _batch.InputSlot(i));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _classifier.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public float Batch1()
    {
        for (int i = 0; i < Batch; i++)
            _classifier.Run(_batch.Input, _batch.Logits, 1);
        return _batch.Logits[0];
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public float Batch8()
    {
        _classifier.Run(_batch.Input, _batch.Logits, Batch);
        return _batch.Logits[0];
    }
}
