using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using ImageRec.Common.Contracts;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Inference;
using ImageRec.Worker.Processing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Worker.Classify;

/// <summary>
/// <c>imagerec-worker classify [options] &lt;folder or files&gt;...</c>: the worker's decode → preprocess
/// → model pipeline on local files, without queues or S3. Prints one line per image
/// (<c>file index label score</c>), then <c>images=N seconds=S images_per_second=R</c>.
/// With <c>--baseline</c> it also times ONNX Runtime alone on the same model, batch size and cores in
/// the same process and adds <c>baseline_images_per_second</c> and <c>ratio</c> to the last line.
/// With <c>--rounds N</c> both are timed N times, alternating, and the medians are reported.
/// With <c>--breakdown</c> the lanes' two stages are also timed apart (decoding alone, the model alone), which
/// shows how close the pipeline is to what its decoding and model costs allow on these cores.
/// </summary>
public static class ClassifyCommand
{
    private const string Usage =
        """
        usage: imagerec-worker classify [--model PATH] [--labels PATH] [--repeat N] [--batch N]
                                        [--decode-threads N] [--intra-op-threads N] [--baseline] <folder or files>...
          --model, --labels  default: ../shared/models/mobilenetv2-12-int8.onnx and imagenet_classes.txt
                             (or the Model__Uri / Model__LabelsUri environment variables)
          --repeat N         classify the inputs N times over (for throughput measurements)
          --batch N          images per model run (default 8)
          --lanes N          batches in flight, each decoded then run by one lane (default: one per core);
                             0: one model run at a time, decode threads filling the next batch meanwhile
          --decode-threads N threads decoding one batch (default 1)
          --intra-op-threads N  ONNX Runtime threads per run (default 1 with lanes, every core with --lanes 0)
          --baseline         also time ONNX Runtime alone on the same model and cores
          --rounds N         time N rounds (alternating with the baseline) and report the medians (default 1)
          --breakdown        also time the lanes decoding alone and running the model alone, and report
                             the rate the two costs allow together (1 / (1/decode + 1/model))
        """;

    private sealed record Settings(
        string ModelPath, string LabelsPath, List<string> Inputs, int Repeat, int Batch,
        int DecodeThreads, int IntraOpThreads, bool Baseline, int Rounds, int Lanes, bool Breakdown);

    public static async Task<int> RunAsync(string[] args)
    {
        Settings settings;
        List<string> files;
        try
        {
            settings = Parse(args);
            files = ExpandInputs(settings.Inputs);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"classify: {e.Message}\n{Usage}");
            return 2;
        }

        if (files.Count == 0)
        {
            await Console.Error.WriteLineAsync("classify: no .jpg, .jpeg, .png or .webp files found in the inputs");
            return 2;
        }

        var labels = OnnxImageClassifier.ReadLabels(settings.LabelsPath);
        var model = new ModelInfo(Path.GetFileNameWithoutExtension(settings.ModelPath), "");
        var classifierOptions = new ClassifierOptions { IntraOpThreads = settings.IntraOpThreads };
        using var classifier = new OnnxImageClassifier(settings.ModelPath, labels, model, classifierOptions, NullLogger.Instance);
        var preparer = new ImagePreparer(new ImageDecoder());

        // Inputs are read before the clock starts: the figure is about decoding and inference, not the disk.
        var encoded = files.Select(File.ReadAllBytes).ToArray();
        var order = Enumerable.Range(0, files.Count * settings.Repeat).Select(i => i % files.Count).ToArray();

        var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        var failures = 0;
        void Report(int image, object labelsOrError)
        {
            var name = Path.GetFileName(files[image]);
            if (labelsOrError is LabelScore[] top)
                output.WriteLine($"{name}\t{top[0].Index}\t{top[0].Label}\t{top[0].Score.ToString("F4", CultureInfo.InvariantCulture)}");
            else
            {
                failures++;
                output.WriteLine($"{name}\terror\t{labelsOrError}");
            }
        }

        // This machine's speed drifts (shared cores): rounds alternate pipeline and baseline, and the
        // medians are compared, so both sides see the same conditions.
        using var baseline = settings.Baseline ? ModelAlone(settings, labels, model) : null;
        var seconds = new List<double>();
        var baselineRates = new List<double>();
        var stages = new List<(double Decode, double Model)>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            var stopwatch = Stopwatch.StartNew();
            Action<int, object> report = round == 0 ? Report : (_, _) => { };
            if (settings.Lanes > 0)
                seconds.Add(RunLanes(order, encoded, preparer, classifier, settings, report).TotalSeconds);
            else
            {
                await RunPipelineAsync(order, encoded, preparer, classifier, settings, report);
                seconds.Add(stopwatch.Elapsed.TotalSeconds);
            }
            if (baseline is not null) baselineRates.Add(MeasureModelAlone(baseline, settings, preparer, encoded, order.Length));
            if (settings.Breakdown) stages.Add(MeasureStagesAlone(order, encoded, preparer, classifier, settings));
        }
        var medianSeconds = Median(seconds);
        var rate = order.Length / medianSeconds;

        var summary = FormattableString.Invariant($"images={order.Length} seconds={medianSeconds:F3} images_per_second={rate:F1}");
        if (baseline is not null)
        {
            var baselineRate = Median(baselineRates);
            summary += FormattableString.Invariant($" baseline_images_per_second={baselineRate:F1} ratio={rate / baselineRate:F3}");
        }
        if (settings.Breakdown)
        {
            // Per round, then the median: the stages were timed right after that round's pipeline.
            var decode = Median(stages.Select(s => s.Decode).ToList());
            var modelRuns = Median(stages.Select(s => s.Model).ToList());
            var additive = Median(stages.Select(s => 1 / (1 / s.Decode + 1 / s.Model)).ToList());
            summary += FormattableString.Invariant(
                $" decode_images_per_second={decode:F1} lane_model_images_per_second={modelRuns:F1} additive_images_per_second={additive:F1} pipeline_vs_additive={rate / additive:F3}");
            if (baseline is not null)
                summary += FormattableString.Invariant($" additive_ratio={additive / Median(baselineRates):F3}");
        }
        output.WriteLine(summary);
        await output.FlushAsync();
        return failures == 0 ? 0 : 1;
    }

    /// <summary>
    /// Decoding of batch k+1 overlaps the model run of batch k: decode threads fill one tensor batch
    /// while the model works on the other.
    /// </summary>
    private static async Task RunPipelineAsync(
        int[] order, byte[][] encoded, ImagePreparer preparer, OnnxImageClassifier classifier, Settings settings,
        Action<int, object> report)
    {
        var free = Channel.CreateUnbounded<TensorBatch>();
        free.Writer.TryWrite(new TensorBatch(settings.Batch));
        free.Writer.TryWrite(new TensorBatch(settings.Batch));
        var filled = Channel.CreateBounded<(TensorBatch Batch, int Start, int Count, string?[] Errors)>(1);

        var producer = Task.Run(async () =>
        {
            for (var start = 0; start < order.Length; start += settings.Batch)
            {
                var count = Math.Min(settings.Batch, order.Length - start);
                var batch = await free.Reader.ReadAsync();
                var errors = new string?[count];
                var first = start;
                Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = settings.DecodeThreads }, slot =>
                {
                    try
                    {
                        preparer.Prepare(encoded[order[first + slot]], batch.InputSlot(slot));
                    }
                    catch (ImageDecodeException e)
                    {
                        errors[slot] = e.Message;
                    }
                });
                await filled.Writer.WriteAsync((batch, start, count, errors));
            }
            filled.Writer.Complete();
        });

        await foreach (var (batch, start, count, errors) in filled.Reader.ReadAllAsync())
        {
            classifier.Run(batch.Input, batch.Logits, count);
            for (var slot = 0; slot < count; slot++)
                report(order[start + slot], errors[slot] ?? (object)classifier.TopK(batch.LogitsSlot(slot), 1));
            free.Writer.TryWrite(batch);
        }
        await producer;
    }

    /// <summary>
    /// Each lane takes the next batch, decodes it, runs the model on it with one ONNX Runtime thread and
    /// reports it. With a lane per core every core does the same mix of work with no hand-over between
    /// threads, and single-threaded model runs waste nothing on synchronising ONNX Runtime's pool.
    /// Results are reported in input order once every lane is done.
    /// </summary>
    private static TimeSpan RunLanes(
        int[] order, byte[][] encoded, ImagePreparer preparer, OnnxImageClassifier classifier, Settings settings,
        Action<int, object> report)
    {
        var results = new object[order.Length];
        var decode = new ParallelOptions { MaxDegreeOfParallelism = settings.DecodeThreads };
        var elapsed = OnLanes(settings, order.Length, setUp: null, (start, count, batch) =>
        {
            if (settings.DecodeThreads == 1)
                for (var slot = 0; slot < count; slot++) Prepare(slot);
            else
                Parallel.For(0, count, decode, Prepare);
            classifier.Run(batch.Input, batch.Logits, count);
            for (var slot = 0; slot < count; slot++)
                results[start + slot] ??= classifier.TopK(batch.LogitsSlot(slot), 1);

            void Prepare(int slot)
            {
                try
                {
                    preparer.Prepare(encoded[order[start + slot]], batch.InputSlot(slot));
                }
                catch (ImageDecodeException e)
                {
                    results[start + slot] = e.Message;
                }
            }
        });
        for (var i = 0; i < order.Length; i++)
            report(order[i], results[i]);
        return elapsed;
    }

    /// <summary>
    /// Splits <paramref name="images"/> into batches and runs <paramref name="work"/> (first image, count, the
    /// lane's own tensors) on one thread per lane, each lane taking the next batch until none is left.
    /// <paramref name="setUp"/> runs once per lane before the clock starts (it fills the lane's tensors).
    /// Returns the time from every lane being set up to the last batch done.
    /// </summary>
    private static TimeSpan OnLanes(Settings settings, int images, Action<TensorBatch>? setUp, Action<int, int, TensorBatch> work)
    {
        var batches = (images + settings.Batch - 1) / settings.Batch;
        var next = -1;
        var stopwatch = new Stopwatch();
        using var ready = new Barrier(settings.Lanes, _ => stopwatch.Start());
        var lanes = new Thread[settings.Lanes];
        for (var lane = 0; lane < lanes.Length; lane++)
        {
            lanes[lane] = new Thread(() =>
            {
                var batch = new TensorBatch(settings.Batch);
                setUp?.Invoke(batch);
                ready.SignalAndWait();
                int b;
                while ((b = Interlocked.Increment(ref next)) < batches)
                {
                    var start = b * settings.Batch;
                    work(start, Math.Min(settings.Batch, images - start), batch);
                }
            }) { IsBackground = true, Name = $"classify lane {lane}" };
            lanes[lane].Start();
        }
        foreach (var thread in lanes) thread.Join();
        return stopwatch.Elapsed;
    }

    /// <summary>
    /// The pipeline's two costs apart, on the same lanes: images/s decoding and preprocessing alone, and
    /// images/s of the lanes' one-thread model runs alone on tensors prepared beforehand. When both keep every
    /// core busy, the pipeline cannot beat 1 / (1/decode + 1/model): the costs add up on the same cores.
    /// </summary>
    private static (double Decode, double Model) MeasureStagesAlone(
        int[] order, byte[][] encoded, ImagePreparer preparer, OnnxImageClassifier classifier, Settings settings)
    {
        var decoding = OnLanes(settings, order.Length, setUp: null, (start, count, batch) =>
        {
            for (var slot = 0; slot < count; slot++)
                preparer.Prepare(encoded[order[start + slot]], batch.InputSlot(slot));
        });
        var modelRuns = OnLanes(settings, order.Length, setUp: batch =>
        {
            for (var slot = 0; slot < batch.Capacity; slot++)
                preparer.Prepare(encoded[slot % encoded.Length], batch.InputSlot(slot));
        }, (_, count, batch) => classifier.Run(batch.Input, batch.Logits, count));
        var (decode, model) = (order.Length / decoding.TotalSeconds, order.Length / modelRuns.TotalSeconds);
        return (decode, model);
    }

    /// <summary>
    /// ONNX Runtime alone: a session with its default threading (every core, spinning), fed the same
    /// batch size of tensors prepared beforehand.
    /// </summary>
    private static OnnxImageClassifier ModelAlone(Settings settings, string[] labels, ModelInfo model) =>
        new(settings.ModelPath, labels, model,
            new ClassifierOptions { IntraOpThreads = 0, AllowSpinning = true }, NullLogger.Instance);

    /// <summary>Images per second of the model alone over as many images as the pipeline ran.</summary>
    private static double MeasureModelAlone(OnnxImageClassifier session, Settings settings, ImagePreparer preparer, byte[][] encoded, int images)
    {
        var batch = new TensorBatch(settings.Batch);
        for (var slot = 0; slot < settings.Batch; slot++)
            preparer.Prepare(encoded[slot % encoded.Length], batch.InputSlot(slot));
        session.Run(batch.Input, batch.Logits, settings.Batch); // warm-up, as the pipeline's first run also pays for it

        var stopwatch = Stopwatch.StartNew();
        for (var done = 0; done < images; done += settings.Batch)
            session.Run(batch.Input, batch.Logits, Math.Min(settings.Batch, images - done));
        return images / stopwatch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static Settings Parse(string[] args)
    {
        var shared = SharedModelsDirectory();
        string? model = Environment.GetEnvironmentVariable("Model__Uri");
        string? labels = Environment.GetEnvironmentVariable("Model__LabelsUri");
        int repeat = 1, batch = 8, decodeThreads = 1, rounds = 1, lanes = Environment.ProcessorCount;
        int? intraOp = null;
        var baseline = false;
        var breakdown = false;
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
                case "--lanes": lanes = NextInt(0); break;
                case "-h" or "--help": throw new ArgumentException("help");
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unknown option {args[i]}");
                    inputs.Add(args[i]);
                    break;
            }
        }
        if (inputs.Count == 0) throw new ArgumentException("give a folder or image files");
        if (breakdown && lanes == 0) throw new ArgumentException("--breakdown times the lanes' stages; it needs --lanes 1 or more");
        model ??= shared is null ? null : Path.Combine(shared, "mobilenetv2-12-int8.onnx");
        labels ??= shared is null ? null : Path.Combine(shared, "imagenet_classes.txt");
        if (model is null || !File.Exists(model))
            throw new ArgumentException($"model file not found ({model ?? "no --model given"}). Put mobilenetv2-12-int8.onnx in ../shared/models or pass --model PATH.");
        if (labels is null || !File.Exists(labels))
            throw new ArgumentException($"labels file not found ({labels ?? "no --labels given"}). Put imagenet_classes.txt in ../shared/models or pass --labels PATH.");
        return new Settings(model, labels, inputs, repeat, batch, decodeThreads, intraOp ?? (lanes > 0 ? 1 : 0), baseline, rounds, lanes, breakdown);
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

    private static List<string> ExpandInputs(IEnumerable<string> inputs)
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
