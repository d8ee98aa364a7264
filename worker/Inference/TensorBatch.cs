using ImageRec.Worker.Imaging.Preprocessing;
using System.Collections.Concurrent;

namespace ImageRec.Worker.Inference;

/// <summary>
/// Input and output buffers for one model run of up to <see cref="Capacity"/> images. Rented from
/// <see cref="TensorBatchPool"/> so the hot path allocates no tensors (each batch is ~6 MB).
/// </summary>
public sealed class TensorBatch(int capacity)
{
    public int Capacity { get; } = capacity;
    public float[] Input { get; } = new float[capacity * ImageNetModel.TensorLength];
    public float[] Logits { get; } = new float[capacity * OnnxImageClassifier.ClassCount];

    public Span<float> InputSlot(int index) => Input.AsSpan(index * ImageNetModel.TensorLength, ImageNetModel.TensorLength);

    public ReadOnlySpan<float> LogitsSlot(int index) => Logits.AsSpan(index * OnnxImageClassifier.ClassCount, OnnxImageClassifier.ClassCount);
}

public sealed class TensorBatchPool(int capacity)
{
    private readonly ConcurrentBag<TensorBatch> _free = [];

    public int Capacity { get; } = capacity;

    public TensorBatch Rent() => _free.TryTake(out var batch) ? batch : new TensorBatch(Capacity);

    public void Return(TensorBatch batch) => _free.Add(batch);
}
