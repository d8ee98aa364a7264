using System.Diagnostics;
using ImageRec.Worker.Inference;
using ImageRec.Worker.Processing;

namespace ImageRec.Worker.Classify;

/// <summary>
/// <c>classify</c>'s lanes: one thread per lane, each taking the next batch, decoding it and running the model on
/// it, as the queue worker does; and the same lanes timing each of the two stages alone.
/// </summary>
internal static class ClassifyLanes
{
    /// <summary>
    /// Each lane takes the next batch and classifies it as the queue worker does (<see cref="BatchClassifier"/>:
    /// decode, then one model run with one ONNX Runtime thread), and reports it. With a lane per core every
    /// core does the same mix of work with no hand-over between threads, and single-threaded model runs waste
    /// nothing on synchronising ONNX Runtime's pool. Results are reported in input order once every lane is done.
    /// </summary>
    public static TimeSpan Run(
        int[] order, byte[][] encoded, ImagePreparer preparer, OnnxImageClassifier classifier, ClassifySettings settings,
        Action<int, ClassifiedImage> report)
    {
        var batchClassifier = new BatchClassifier(preparer, settings.DecodeThreads);
        // The inputs in the order they are classified, laid out before the clock starts: each batch is a slice of them.
        var images = Array.ConvertAll(order, image => (ReadOnlyMemory<byte>)encoded[image]);
        var results = new ClassifiedImage[order.Length];
        var elapsed = OnLanes(settings, order.Length, setUp: null, (start, count, batch) =>
            batchClassifier.Classify(new ArraySegment<ReadOnlyMemory<byte>>(images, start, count), batch, classifier, results.AsMemory(start, count)));
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
    private static TimeSpan OnLanes(ClassifySettings settings, int images, Action<TensorBatch>? setUp, Action<int, int, TensorBatch> work)
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
    /// core busy, the pipeline can do no better than about 1 / (1/decode + 1/model): the costs add up on the
    /// same cores (about: the stages are timed after the pipeline, and this machine's speed drifts).
    /// </summary>
    public static (double Decode, double Model) MeasureStagesAlone(
        int[] order, byte[][] encoded, ImagePreparer preparer, OnnxImageClassifier classifier, ClassifySettings settings)
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
        return (order.Length / decoding.TotalSeconds, order.Length / modelRuns.TotalSeconds);
    }
}
