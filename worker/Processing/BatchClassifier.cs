using System.Diagnostics;
using ImageRec.Common.Contracts;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Inference;

namespace ImageRec.Worker.Processing;

/// <summary>
/// A batch of encoded images in, each one's top labels or failure out: decode and preprocess every image into its
/// slot of a tensor batch, then run the model once over the batch. The queue worker (<see cref="JobBatchProcessor"/>)
/// and <c>imagerec-worker classify</c> both go through this one class, so what <c>classify</c> measures is exactly
/// what the worker runs for a batch. It records no metrics: it returns its timings, and the worker records them.
/// </summary>
/// <param name="decodeThreads">Threads decoding one batch's images (<see cref="LanePlan.DecodeThreads"/>).</param>
public sealed class BatchClassifier(ImagePreparer preparer, int decodeThreads)
{
    /// <summary>Labels kept per image: what a result holds.</summary>
    public const int TopLabels = 5;

    private readonly ParallelOptions _decodeParallelism = new() { MaxDegreeOfParallelism = decodeThreads };

    /// <summary>
    /// Classifies <paramref name="images"/> (at most <see cref="TensorBatch.Capacity"/>) with
    /// <paramref name="classifier"/>, using <paramref name="batch"/>'s tensors, and writes image i's outcome to
    /// <paramref name="results"/>[i]. Returns the model run's time in milliseconds (0 for no images).
    /// </summary>
    public double Classify(IReadOnlyList<ReadOnlyMemory<byte>> images, TensorBatch batch, OnnxImageClassifier classifier, Memory<ClassifiedImage> results)
    {
        var count = images.Count;
        if (count > batch.Capacity) throw new ArgumentException($"{count} images do not fit a batch of {batch.Capacity}", nameof(images));
        if (results.Length < count) throw new ArgumentException($"{results.Length} results for {count} images", nameof(results));
        if (count == 0) return 0;

        // One decode thread: a plain loop, without Parallel.For's scheduling.
        if (_decodeParallelism.MaxDegreeOfParallelism == 1)
            for (var slot = 0; slot < count; slot++) results.Span[slot] = Prepare(images[slot], batch, slot);
        else
            Parallel.For(0, count, _decodeParallelism, slot => results.Span[slot] = Prepare(images[slot], batch, slot));

        // Slots of images that failed hold stale data; running them costs a few ms and keeps the batch
        // contiguous. Their logits are ignored.
        var started = Stopwatch.GetTimestamp();
        classifier.Run(batch.Input, batch.Logits, count);
        var modelMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        var outcomes = results.Span;
        for (var slot = 0; slot < count; slot++)
            if (outcomes[slot].Failure is null)
                outcomes[slot] = outcomes[slot] with { Labels = classifier.TopK(batch.LogitsSlot(slot), TopLabels) };
        return modelMs;
    }

    /// <summary>Decodes and preprocesses one image into its slot; its labels come after the model run.</summary>
    private ClassifiedImage Prepare(ReadOnlyMemory<byte> image, TensorBatch batch, int slot)
    {
        var started = Stopwatch.GetTimestamp();
        ImageFailure? failure = null;
        try
        {
            preparer.Prepare(image.Span, batch.InputSlot(slot));
        }
        catch (ImageDecodeException e)
        {
            failure = new ImageFailure(e.Reason, e.Message);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException or InvalidOperationException)
        {
            // One odd image must fail alone, not take its batch down with it.
            failure = new ImageFailure(FailureReasons.ProcessingFailed, $"the image could not be processed: {e.Message}", e);
        }
        return new ClassifiedImage([], failure, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
