using ImageRec.Worker.Inference;

namespace ImageRec.Tests.Worker;

public sealed class LabelRankingTests
{
    private static readonly string[] Labels = Enumerable.Range(0, 10).Select(i => $"class{i}").ToArray();

    [Fact]
    public void Top_k_is_sorted_by_probability_and_matches_a_full_softmax()
    {
        float[] logits = [0.5f, 3f, -1f, 2.5f, 3f, 0f, 7f, -2f, 1f, 2f];
        var top = LabelRanking.TopK(logits, Labels, 5);

        var exp = logits.Select(l => Math.Exp(l)).ToArray();
        var expected = exp.Select((e, i) => (index: i, p: e / exp.Sum()))
            .OrderByDescending(x => x.p).ThenBy(x => x.index).Take(5).ToArray();

        Assert.Equal(expected.Select(e => e.index), top.Select(t => t.Index));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(expected[i].p, top[i].Score, 1e-6);
            Assert.Equal(Labels[top[i].Index], top[i].Label);
        }
    }

    [Fact]
    public void Huge_logits_do_not_overflow()
    {
        float[] logits = [1000f, 999f, -1000f];
        var top = LabelRanking.TopK(logits, Labels, 2);
        Assert.Equal(1 / (1 + Math.Exp(-1)), top[0].Score, 1e-6);
        Assert.Equal(0, top[0].Index);
        Assert.Equal(1, top[1].Index);
    }

    [Fact]
    public void K_larger_than_the_classes_returns_every_class()
    {
        var top = LabelRanking.TopK([1f, 2f, 3f], Labels, 5);
        Assert.Equal([2, 1, 0], top.Select(t => t.Index));
        Assert.Equal(1.0, top.Sum(t => t.Score), 1e-6);
    }
}
