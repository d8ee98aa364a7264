using ImageRec.Worker.Inference;

namespace ImageRec.Worker.Processing;

/// <summary>
/// How the worker spreads its cores over batches. A lane takes one batch at a time: it decodes the
/// batch's images and runs the model on them with its own share of the cores. On CPU the worker runs
/// one lane per core by default — each core decodes and infers its own batch, so no core waits for
/// another between decode and model (a one-thread model run also costs less core time than the same run
/// split over two synchronised threads). With CUDA one lane feeds the GPU with the largest batches.
/// </summary>
/// <param name="Lanes">Batches worked on at once.</param>
/// <param name="DecodeThreads">Threads that decode the images of one batch.</param>
/// <param name="IntraOpThreads">ONNX Runtime threads per model run (0: ONNX Runtime's default).</param>
public sealed record LanePlan(int Lanes, int DecodeThreads, int IntraOpThreads)
{
    public static LanePlan For(WorkerOptions worker, ClassifierOptions model, int processorCount)
    {
        var cuda = string.Equals(model.ExecutionProvider, "cuda", StringComparison.OrdinalIgnoreCase);
        var lanes = worker.Lanes > 0 ? worker.Lanes : cuda ? 1 : Math.Max(1, processorCount);
        var coresPerLane = Math.Max(1, processorCount / lanes);
        return new LanePlan(
            lanes,
            worker.DecodeParallelism > 0 ? worker.DecodeParallelism : coresPerLane,
            model.IntraOpThreads > 0 ? model.IntraOpThreads : cuda ? 0 : coresPerLane);
    }

    /// <summary>
    /// Splits one receive into at most <see cref="Lanes"/> batches of nearly equal size, so that a burst
    /// that arrives in one receive is worked on by every lane rather than by one.
    /// </summary>
    public IEnumerable<IReadOnlyList<T>> Split<T>(IReadOnlyList<T> received)
    {
        if (Lanes == 1 || received.Count <= 1)
        {
            yield return received;
            yield break;
        }
        var size = (received.Count + Lanes - 1) / Lanes;
        for (var start = 0; start < received.Count; start += size)
            yield return received.Skip(start).Take(size).ToArray();
    }
}
