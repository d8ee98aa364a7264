using ImageRec.Common.Contracts;

namespace ImageRec.Worker.Inference;

/// <summary>Turns one image's raw logits into its top-k classes with softmax probabilities.</summary>
public static class LabelRanking
{
    public static LabelScore[] TopK(ReadOnlySpan<float> logits, IReadOnlyList<string> labels, int k)
    {
        k = Math.Min(k, logits.Length);

        // Softmax denominator, shifted by the maximum so exp never overflows.
        var max = float.NegativeInfinity;
        foreach (var logit in logits) max = Math.Max(max, logit);
        double sum = 0;
        foreach (var logit in logits) sum += Math.Exp(logit - max);

        // k is tiny (5): a partial insertion sort over the logits beats sorting 1000 values.
        Span<int> best = stackalloc int[k];
        var filled = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            if (filled == k && logits[i] <= logits[best[k - 1]]) continue;
            var position = filled < k ? filled++ : k - 1;
            while (position > 0 && logits[best[position - 1]] < logits[i])
            {
                best[position] = best[position - 1];
                position--;
            }
            best[position] = i;
        }

        var result = new LabelScore[filled];
        for (var r = 0; r < filled; r++)
        {
            var index = best[r];
            var label = index < labels.Count ? labels[index] : $"class {index}";
            result[r] = new LabelScore(index, label, (float)(Math.Exp(logits[index] - max) / sum));
        }
        return result;
    }
}
