namespace ImageRec.Worker.Classify;

/// <summary>What <c>imagerec-worker classify</c> was asked to do, parsed from its command line.</summary>
internal sealed record ClassifySettings(
    string ModelPath, string LabelsPath, List<string> Inputs, int Repeat, int Batch,
    int DecodeThreads, int IntraOpThreads, bool Baseline, int Rounds, int Lanes, bool Breakdown, bool Cuda)
{
    public const string Usage =
        """
        usage: imagerec-worker classify [--model PATH] [--labels PATH] [--repeat N] [--batch N] [--lanes N]
                                        [--decode-threads N] [--intra-op-threads N] [--baseline] [--rounds N]
                                        [--breakdown] [--cuda] <folder or files>...
          --model, --labels  default: ../shared/models/mobilenetv2-12-int8.onnx and imagenet_classes.txt
                             (or the Model__Uri / Model__LabelsUri environment variables)
          --repeat N         classify the inputs N times over (for throughput measurements)
          --batch N          images per model run (default 8)
          --lanes N          batches in flight, each decoded then run by one lane, as the worker does
                             (default: one per core)
          --decode-threads N threads decoding one batch (default 1)
          --intra-op-threads N  ONNX Runtime threads per run (default 1)
          --baseline         also time ONNX Runtime alone on the same model and cores
          --rounds N         time N rounds (alternating with the baseline) and report the medians (default 1)
          --breakdown        also time the lanes decoding alone and running the model alone, and report
                             the rate the two costs allow together (1 / (1/decode + 1/model))
          --cuda             run the model (and the baseline) on ONNX Runtime's CUDA execution provider;
                             fails, saying why, where CUDA is unavailable (a GPU build: -p:OnnxRuntimeFlavor=Gpu)
        """;

    /// <exception cref="ArgumentException">An unknown option, a bad value, or a missing model or labels file.</exception>
    public static ClassifySettings Parse(string[] args)
    {
        var shared = SharedModelsDirectory();
        string? model = Environment.GetEnvironmentVariable("Model__Uri");
        string? labels = Environment.GetEnvironmentVariable("Model__LabelsUri");
        int repeat = 1, batch = 8, decodeThreads = 1, intraOp = 1, rounds = 1, lanes = Environment.ProcessorCount;
        var baseline = false;
        var breakdown = false;
        var cuda = false;
        var inputs = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt(int min) => int.TryParse(Next(), out var v) && v >= min ? v : throw new ArgumentException($"{args[i - 1]} needs a number >= {min}");
            switch (args[i])
            {
                case "--model": model = Next(); break;
                case "--labels": labels = Next(); break;
                case "--repeat": repeat = NextInt(1); break;
                case "--batch": batch = NextInt(1); break;
                case "--decode-threads": decodeThreads = NextInt(1); break;
                case "--intra-op-threads": intraOp = NextInt(0); break;
                case "--baseline": baseline = true; break;
                case "--breakdown": breakdown = true; break;
                case "--rounds": rounds = NextInt(1); break;
                case "--lanes": lanes = NextInt(1); break;
                case "--cuda": cuda = true; break;
                case "-h" or "--help": throw new ArgumentException("help");
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unknown option {args[i]}");
                    inputs.Add(args[i]);
                    break;
            }
        }
        if (inputs.Count == 0) throw new ArgumentException("give a folder or image files");
        model ??= shared is null ? null : Path.Combine(shared, "mobilenetv2-12-int8.onnx");
        labels ??= shared is null ? null : Path.Combine(shared, "imagenet_classes.txt");
        if (model is null || !File.Exists(model))
            throw new ArgumentException($"model file not found ({model ?? "no --model given"}). Put mobilenetv2-12-int8.onnx in ../shared/models or pass --model PATH.");
        if (labels is null || !File.Exists(labels))
            throw new ArgumentException($"labels file not found ({labels ?? "no --labels given"}). Put imagenet_classes.txt in ../shared/models or pass --labels PATH.");
        return new ClassifySettings(model, labels, inputs, repeat, batch, decodeThreads, intraOp, baseline, rounds, lanes, breakdown, cuda);
    }

    /// <summary>../shared/models next to the repository, found by walking up from the working directory.</summary>
    private static string? SharedModelsDirectory()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "models");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The image files named, and those in the folders named (sorted), in order.</summary>
    /// <exception cref="FileNotFoundException">An input is neither a file nor a folder.</exception>
    public static List<string> ExpandInputs(IEnumerable<string> inputs)
    {
        string[] extensions = [".jpg", ".jpeg", ".png", ".webp"];
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
                files.AddRange(Directory.EnumerateFiles(input)
                    .Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal));
            else if (File.Exists(input))
                files.Add(input);
            else
                throw new FileNotFoundException($"{input} is neither a file nor a folder");
        }
        return files;
    }
}
