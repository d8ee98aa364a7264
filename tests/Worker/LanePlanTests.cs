using ImageRec.Worker.Inference;
using ImageRec.Worker.Processing;

namespace ImageRec.Tests.Worker;

public sealed class LanePlanTests
{
    [Theory]
    // cores, lanes, provider, decode, intra-op → lanes, decode threads, model threads
    [InlineData(2, 0, "cpu", 0, 0, 2, 1, 1)]   // default on CPU: a lane per core, one thread each
    [InlineData(8, 0, "cpu", 0, 0, 8, 1, 1)]
    [InlineData(2, 1, "cpu", 0, 0, 1, 2, 2)]   // one lane gets every core (the pre-lanes behaviour)
    [InlineData(8, 2, "cpu", 0, 0, 2, 4, 4)]   // cores shared evenly
    [InlineData(2, 4, "cpu", 0, 0, 4, 1, 1)]   // more lanes than cores: never fewer than one thread
    [InlineData(2, 0, "cuda", 0, 0, 1, 2, 0)]  // CUDA: one lane, ONNX Runtime's own thread default
    [InlineData(2, 0, "CUDA", 0, 0, 1, 2, 0)]
    [InlineData(2, 0, "cpu", 3, 2, 2, 3, 2)]   // explicit settings win
    public void Cores_are_shared_between_lanes(int cores, int lanes, string provider, int decode, int intraOp,
        int expectedLanes, int expectedDecode, int expectedIntraOp)
    {
        var plan = LanePlan.For(new WorkerOptions { Lanes = lanes, DecodeParallelism = decode },
            new ClassifierOptions { ExecutionProvider = provider, IntraOpThreads = intraOp }, cores);

        Assert.Equal(new LanePlan(expectedLanes, expectedDecode, expectedIntraOp), plan);
    }

    [Theory]
    [InlineData(2, 10, new[] { 5, 5 })]
    [InlineData(2, 3, new[] { 2, 1 })]
    [InlineData(3, 10, new[] { 4, 4, 2 })]
    [InlineData(4, 2, new[] { 1, 1 })]
    [InlineData(2, 1, new[] { 1 })]
    [InlineData(1, 10, new[] { 10 })]
    public void A_receive_is_split_over_the_lanes_in_order(int lanes, int received, int[] expectedSizes)
    {
        var messages = Enumerable.Range(0, received).ToArray();

        var batches = new LanePlan(lanes, 1, 1).Split(messages).ToArray();

        Assert.Equal(expectedSizes, batches.Select(b => b.Count));
        Assert.Equal(messages, batches.SelectMany(b => b));
    }
}
