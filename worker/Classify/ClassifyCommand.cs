using System.Diagnostics;
using System.Globalization;
using ImageRec.Common.Contracts;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Inference;
using ImageRec.Worker.Processing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Worker.Classify;

/// <summary>
/// <c>imagerec-worker classify [options] &lt;folder or files&gt;...</c>: the worker's decode → preprocess
/// → model pipeline (its <see cref="BatchClassifier"/>, on lanes as the worker runs them) on local files,
/// without queues or S3. Prints one line per image (<c>file index label score</c>), then
/// <c>images=N seconds=S images_per_second=R</c>.
/// With <c>--baseline</c> it also times ONNX Runtime alone on the same model, batch size and cores in
/// the same process and adds <c>baseline_images_per_second</c> and <c>ratio</c> to the last line.
/// With <c>--rounds N</c> both are timed N times, alternating, and the medians are reported.
/// With <c>--breakdown</c> the lanes' two stages are also timed apart (decoding alone, the model alone), which
/// shows how close the pipeline is to what its decoding and model costs allow on these cores.
/// With <c>--cuda</c> the model runs on CUDA or not at all (exit code 3, saying why): eng/gpu-check.sh
/// reads GPU figures from it, and a fallback to the CPU would pass CPU figures off as GPU ones.
/// </summary>
public static class ClassifyCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        ClassifySettings settings;
        List<string> files;
        try
        {
            settings = ClassifySettings.Parse(args);
            files = ClassifySettings.ExpandInputs(settings.Inputs);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"classify: {e.Message}\n{ClassifySettings.Usage}");
            return 2;
        }

        if (files.Count == 0)
        {
            await Console.Error.WriteLineAsync("classify: no .jpg, .jpeg, .png or .webp files found in the inputs");
            return 2;
        }

        var labels = OnnxImageClassifier.ReadLabels(settings.LabelsPath);
        var model = new ModelInfo(Path.GetFileNameWithoutExtension(settings.ModelPath), "");
        OnnxImageClassifier classifier;
        OnnxImageClassifier? baseline;
        try
        {
            classifier = new OnnxImageClassifier(settings.ModelPath, labels, model,
                Provider(settings, new ClassifierOptions { IntraOpThreads = settings.IntraOpThreads }), NullLogger.Instance);
            baseline = ModelAlone(settings, labels, model);
        }
        catch (InvalidOperationException e) when (settings.Cuda)
        {
            await Console.Error.WriteLineAsync($"classify: {e.Message}");
            return 3;
        }
        using var disposeClassifier = classifier;
        using var disposeBaseline = baseline;
        var preparer = new ImagePreparer(new ImageDecoder());

        // Inputs are read before the clock starts: the figure is about decoding and inference, not the disk.
        var encoded = files.Select(File.ReadAllBytes).ToArray();
        var order = Enumerable.Range(0, files.Count * settings.Repeat).Select(i => i % files.Count).ToArray();

        var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        var failures = 0;
        void Report(int image, ClassifiedImage result)
        {
            var name = Path.GetFileName(files[image]);
            if (result.Failure is { } failure)
            {
                failures++;
                output.WriteLine($"{name}\terror\t{failure.Message}");
                return;
            }
            var top = result.Labels[0];
            output.WriteLine($"{name}\t{top.Index}\t{top.Label}\t{top.Score.ToString("F4", CultureInfo.InvariantCulture)}");
        }

        // This machine's speed drifts (shared cores): rounds alternate pipeline and baseline, and the
        // medians are compared, so both sides see the same conditions.
        var seconds = new List<double>();
        var baselineRates = new List<double>();
        var stages = new List<(double Decode, double Model)>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            Action<int, ClassifiedImage> report = round == 0 ? Report : (_, _) => { };
            seconds.Add(ClassifyLanes.Run(order, encoded, preparer, classifier, settings, report).TotalSeconds);
            if (baseline is not null) baselineRates.Add(MeasureModelAlone(baseline, settings, preparer, encoded, order.Length));
            if (settings.Breakdown) stages.Add(ClassifyLanes.MeasureStagesAlone(order, encoded, preparer, classifier, settings));
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
    /// ONNX Runtime alone: a session with its default threading (every core, spinning), fed the same
    /// batch size of tensors prepared beforehand.
    /// </summary>
    private static OnnxImageClassifier? ModelAlone(ClassifySettings settings, string[] labels, ModelInfo model) =>
        settings.Baseline
            ? new(settings.ModelPath, labels, model,
                Provider(settings, new ClassifierOptions { IntraOpThreads = 0, AllowSpinning = true }), NullLogger.Instance)
            : null;

    /// <summary>With <c>--cuda</c>, CUDA and nothing else: a silent CPU fallback would report CPU figures as GPU ones.</summary>
    private static ClassifierOptions Provider(ClassifySettings settings, ClassifierOptions options)
    {
        if (settings.Cuda) (options.ExecutionProvider, options.RequireGpu) = ("cuda", true);
        return options;
    }

    /// <summary>Images per second of the model alone over as many images as the pipeline ran.</summary>
    private static double MeasureModelAlone(OnnxImageClassifier session, ClassifySettings settings, ImagePreparer preparer, byte[][] encoded, int images)
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
}
