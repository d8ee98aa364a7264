using ImageRec.Worker.Imaging.Preprocessing;
using ImageRec.Common.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace ImageRec.Worker.Inference;

/// <summary>
/// The ImageNet classifier: one ONNX Runtime session, run on batches of preprocessed images.
/// Thread-safe: ONNX Runtime allows concurrent Run calls on one session.
/// </summary>
public sealed class OnnxImageClassifier : IDisposable
{
    /// <summary>Logits per image: the ImageNet-1k classes.</summary>
    public const int ClassCount = 1000;

    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly RunOptions _runOptions = new();

    public ModelInfo Model { get; }
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The execution provider the session actually runs on (cpu after a CUDA fallback).</summary>
    public string ExecutionProvider { get; }

    public OnnxImageClassifier(string modelPath, IReadOnlyList<string> labels, ModelInfo model, ClassifierOptions options, ILogger logger)
    {
        Labels = labels;
        Model = model;
        _session = CreateSession(modelPath, options, logger, out var provider);
        ExecutionProvider = provider;
        _inputName = _session.InputMetadata.Keys.Single();
        _outputName = _session.OutputMetadata.Keys.Single();
    }

    private const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>
    /// A CUDA session when <c>cuda</c> is asked for and works, else a CPU one. CUDA can be missing at three
    /// points, all of which fall back (or fail with <see cref="ClassifierOptions.RequireGpu"/>): the build
    /// has no CUDA provider (the CPU package), the provider's libraries (CUDA 13, cuDNN 9) do not load when
    /// it is appended, or the session cannot start on the device (no GPU visible).
    /// </summary>
    private static InferenceSession CreateSession(string modelPath, ClassifierOptions options, ILogger logger, out string provider)
    {
        provider = "cpu";
        if (string.Equals(options.ExecutionProvider, "cuda", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                if (!OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider))
                    throw new NotSupportedException(
                        "this ONNX Runtime build has no CUDA execution provider (the CPU package; build the worker with -p:OnnxRuntimeFlavor=Gpu)");
                using var cudaOptions = CreateSessionOptions(options);
                cudaOptions.AppendExecutionProvider_CUDA(0);
                var session = new InferenceSession(modelPath, cudaOptions);
                provider = "cuda";
                return session;
            }
            catch (Exception e) when (e is OnnxRuntimeException or NotSupportedException or EntryPointNotFoundException or DllNotFoundException)
            {
                if (options.RequireGpu)
                    throw new InvalidOperationException(
                        $"CUDA was required (Model:RequireGpu=true) but is not available: {e.Message}", e);
                logger.LogWarning("CUDA execution provider unavailable ({Reason}); running the model on CPU", e.Message);
            }
        }
        using var cpuOptions = CreateSessionOptions(options);
        return new InferenceSession(modelPath, cpuOptions);
    }

    private static SessionOptions CreateSessionOptions(ClassifierOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            // Constant folding and operator fusion; the int8 graph gains from QLinear fusions.
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // One model per process and no parallel branches in MobileNet: inter-op threads add nothing.
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            // The arena keeps activation buffers between runs instead of returning them to malloc.
            EnableCpuMemArena = true,
            EnableMemoryPattern = true,
        };
        // ONNX Runtime's pool threads spin while waiting for work by default. The worker decodes on the
        // same cores between runs, so spinning threads would steal the time decoding needs.
        if (!options.AllowSpinning) sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        return sessionOptions;
    }

    /// <summary>
    /// Runs <paramref name="count"/> images laid out back to back in <paramref name="input"/>
    /// (NCHW, <see cref="ImageNetModel.TensorLength"/> floats each) and writes their logits to
    /// <paramref name="logits"/> (<see cref="OnnxImageClassifier.ClassCount"/> floats each).
    /// The caller's arrays are used in place: no copies, no allocations proportional to the batch.
    /// </summary>
    public void Run(float[] input, float[] logits, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (input.Length < count * ImageNetModel.TensorLength || logits.Length < count * OnnxImageClassifier.ClassCount)
            throw new ArgumentException("buffers are smaller than the batch");

        using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            input.AsMemory(0, count * ImageNetModel.TensorLength),
            [count, ImageNetModel.Channels, ImageNetModel.InputSize, ImageNetModel.InputSize]);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            logits.AsMemory(0, count * OnnxImageClassifier.ClassCount),
            [count, OnnxImageClassifier.ClassCount]);
        _session.Run(_runOptions, [_inputName], [inputValue], [_outputName], [outputValue]);
    }

    public LabelScore[] TopK(ReadOnlySpan<float> logits, int k) => LabelRanking.TopK(logits, Labels, k);

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>Reads a label file: one class name per line, in class-index order.</summary>
    public static string[] ReadLabels(string path) =>
        File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
}
