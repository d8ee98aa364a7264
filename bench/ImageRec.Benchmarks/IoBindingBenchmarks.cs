using BenchmarkDotNet.Attributes;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Imaging.Preprocessing;
using ImageRec.Worker.Inference;
using Microsoft.ML.OnnxRuntime;

namespace ImageRec.Benchmarks;

/// <summary>
/// Does ONNX Runtime's I/O binding help on CPU? The worker runs the model on tensors that wrap its own
/// pooled arrays (<see cref="OrtValue.CreateTensorValueFromMemory{T}(OrtMemoryInfo, Memory{T}, long[])"/>),
/// so no input or output is copied; binding them once to an <see cref="OrtIoBinding"/> would only save
/// wrapping them and passing names on every run. Batch 1, one thread (a lane's run).
/// </summary>
[MemoryDiagnoser]
public class IoBindingBenchmarks
{
    private static readonly long[] InputShape = [1, ImageNetModel.Channels, ImageNetModel.InputSize, ImageNetModel.InputSize];
    private static readonly long[] OutputShape = [1, OnnxImageClassifier.ClassCount];

    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private string _inputName = "", _outputName = "";
    private readonly TensorBatch _batch = new(1);
    private OrtValue _boundInput = null!, _boundOutput = null!;
    private OrtIoBinding _binding = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
        };
        _session = new InferenceSession(BenchPaths.Model, options);
        _runOptions = new RunOptions();
        _inputName = _session.InputMetadata.Keys.Single();
        _outputName = _session.OutputMetadata.Keys.Single();

        using var decoder = new ImageDecoder();
        using (var image = decoder.Decode(File.ReadAllBytes(BenchPaths.TestImage("img_00.jpg")), ImageNetModel.ResizeShortSide))
            ImageNetPreprocessor.Instance.Preprocess(image, _batch.InputSlot(0));

        _boundInput = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _batch.Input.AsMemory(), InputShape);
        _boundOutput = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _batch.Logits.AsMemory(), OutputShape);
        _binding = _session.CreateIoBinding();
        _binding.BindInput(_inputName, _boundInput);
        _binding.BindOutput(_outputName, _boundOutput);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _binding.Dispose();
        _boundInput.Dispose();
        _boundOutput.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>What the worker does: wrap the pooled arrays and run by name.</summary>
    [Benchmark(Baseline = true)]
    public float WrapAndRun()
    {
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _batch.Input.AsMemory(), InputShape);
        using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _batch.Logits.AsMemory(), OutputShape);
        _session.Run(_runOptions, [_inputName], [input], [_outputName], [output]);
        return _batch.Logits[0];
    }

    [Benchmark]
    public float RunWithBinding()
    {
        _session.RunWithBinding(_runOptions, _binding);
        return _batch.Logits[0];
    }
}
