namespace ImageRec.Worker.Inference;

/// <summary>How the worker loads and runs the model. Bound from the <c>Model</c> configuration section.</summary>
public sealed class ClassifierOptions
{
    public const string Section = "Model";

    /// <summary>Model file: a local path or <c>s3://bucket/key</c> (downloaded once at start).</summary>
    public string Uri { get; set; } = "";

    /// <summary>Class names, one per line in class-index order: a local path or <c>s3://bucket/key</c>.</summary>
    public string LabelsUri { get; set; } = "";

    /// <summary>Expected SHA-256 of the model file (hex). When set, a different file is refused.</summary>
    public string? Sha256 { get; set; }

    /// <summary>Where downloaded model files are kept (must be writable; pods mount an emptyDir here).</summary>
    public string CacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "imagerec-models");

    /// <summary><c>cpu</c> or <c>cuda</c>.</summary>
    public string ExecutionProvider { get; set; } = "cpu";

    /// <summary>With <c>cuda</c>: fail at start when CUDA is unavailable instead of falling back to CPU.</summary>
    public bool RequireGpu { get; set; }

    /// <summary>
    /// Threads ONNX Runtime uses inside one inference; 0 lets it use every core. The queue worker sets it
    /// from its lanes (<c>Worker:Lanes</c>, one per core on CPU): each lane runs its own batch with one
    /// thread, which costs a core 3.2 ms per image instead of ~5 ms across two synchronised threads.
    /// Set it only to override that.
    /// </summary>
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Let ONNX Runtime's threads spin between runs. Only helps when nothing else needs the cores
    /// (the model alone); the worker decodes concurrently, so it is off by default.
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>How many top classes a result lists.</summary>
    public int TopK { get; set; } = 5;
}
