using System.Globalization;
using ImageRec.Common.Contracts;
using ImageRec.Common.Index;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.IndexBench;

/// <summary>
/// One owner's images as a user of the service would have them, made up from a seed: every image succeeded with the
/// model's 5 top labels, uploads spread evenly over two years, top labels drawn from a Zipf distribution over the
/// 1000 ImageNet classes — except the rare label, the top label of exactly max(1, N/1000) images (0.1% from 1000 on)
/// and among nobody's other labels, so the index's top-label filter and the old any-of-top-5 filter select the
/// same images. Beside them, other owners' images (N/10) share the table and the buckets.
/// </summary>
internal sealed class Workload
{
    public const int NoiseOwners = 10;
    private const double ZipfExponent = 1.0;
    private static readonly DateTimeOffset End = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Span = TimeSpan.FromDays(730);
    private static readonly ModelInfo Model = new("mobilenetv2-12-int8", "5b2cf4ed6e2eebd4a0e7d6f1f6bd1e3e2a4a0bd8c3f5bd2e0f2c6e3b1a9d8c7f");

    private Workload(string owner, IndexedImage[] images, IndexedImage[] noise, string rareLabel)
    {
        Owner = owner;
        Images = images;
        Noise = noise;
        RareLabel = rareLabel;
        Rare = images.Where(i => i.Labels[0].Label == rareLabel).ToArray();
    }

    public string Owner { get; }

    /// <summary>The measured owner's images, newest upload first (the order of a listing).</summary>
    public IReadOnlyList<IndexedImage> Images { get; }

    /// <summary>The owner's images whose top label is <see cref="RareLabel"/>, newest first.</summary>
    public IReadOnlyList<IndexedImage> Rare { get; }

    /// <summary>Other owners' images.</summary>
    public IReadOnlyList<IndexedImage> Noise { get; }

    public string RareLabel { get; }

    /// <summary>Every image to load: the owner's and the others', interleaved as uploads would come.</summary>
    public IEnumerable<IndexedImage> All()
    {
        var step = Math.Max(1, Images.Count / Math.Max(1, Noise.Count));
        for (int i = 0, n = 0; i < Images.Count || n < Noise.Count; i += step)
        {
            for (var j = i; j < Math.Min(i + step, Images.Count); j++) yield return Images[j];
            if (n < Noise.Count) yield return Noise[n++];
        }
    }

    public static Workload Create(int size, int seed)
    {
        var classes = ImageNetClasses();
        var random = new Random(unchecked(seed * 1_000_003 + size));
        // The rare label and the order of the others' popularity come from the seed, not the file's order.
        var order = Enumerable.Range(0, classes.Count).OrderBy(_ => random.Next()).ToArray();
        var rare = order[^1];
        var common = order[..^1];
        var cumulative = new double[common.Length];
        var total = 0.0;
        for (var rank = 0; rank < common.Length; rank++) cumulative[rank] = total += 1 / Math.Pow(rank + 1, ZipfExponent);

        int Common()
        {
            var at = Array.BinarySearch(cumulative, random.NextDouble() * total);
            return common[Math.Min(common.Length - 1, at >= 0 ? at : ~at)];
        }

        IndexedImage Image(string owner, int number, DateTimeOffset uploadedAt, int top)
        {
            var labels = new List<int> { top };
            while (labels.Count < 5)
            {
                var other = common[random.Next(common.Length)];
                if (!labels.Contains(other)) labels.Add(other);
            }
            var score = 0.35 + 0.6 * random.NextDouble();
            var scores = new List<LabelScore>();
            foreach (var label in labels)
            {
                scores.Add(new LabelScore(classes[label].Index, classes[label].Name, (float)score));
                score *= 0.1 + 0.5 * random.NextDouble();
            }
            return new IndexedImage(owner, RandomGuid(random).ToString(), uploadedAt, JobStatus.Succeeded,
                $"IMG_{number:D6}.jpg", random.Next(20_000, 400_000), Hex(random, 32),
                $"00-{Hex(random, 16)}-{Hex(random, 8)}-01")
            {
                Labels = scores,
                Model = Model,
                CompletedAt = uploadedAt.AddMilliseconds(random.Next(300, 3000)),
            };
        }

        // Upload times: one per slot of the two years, at a random moment of its first half, so they are distinct.
        DateTimeOffset Slot(int number, int count) =>
            End - Span + TimeSpan.FromTicks(Span.Ticks / count * number) + Span / count / 2 * random.NextDouble();

        var rareCount = Math.Max(1, size / 1000);
        var owner = $"bench-owner-{size}";
        var images = new IndexedImage[size];
        for (var number = 0; number < size; number++)
        {
            // The rare label's images, spread evenly through time.
            var isRare = (long)number * rareCount / size != ((long)number + 1) * rareCount / size;
            images[size - 1 - number] = Image(owner, number, Slot(number, size), isRare ? rare : Common());
        }
        var noiseCount = Math.Max(NoiseOwners, size / 10);
        var noise = Enumerable.Range(0, noiseCount)
            .Select(n => Image($"bench-noise-{n % NoiseOwners}", n, Slot(n, noiseCount), Common()))
            .ToArray();
        return new Workload(owner, images, noise, classes[rare].Name);
    }

    /// <summary>The distinct names of the 1000 ImageNet classes (a few names repeat; their first index).</summary>
    private static IReadOnlyList<(int Index, string Name)> ImageNetClasses()
    {
        var path = RepositoryPaths.SharedFile("models", "imagenet_classes.txt");
        return File.ReadLines(path)
            .Select((name, index) => (Index: index, Name: name.Trim()))
            .Where(c => c.Name.Length > 0)
            .DistinctBy(c => c.Name.ToLowerInvariant())
            .ToArray();
    }

    private static Guid RandomGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static string Hex(Random random, int bytes)
    {
        var buffer = new byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    /// <summary>The rare label's share of the owner's images, for the output (e.g. <c>0.1%</c>).</summary>
    public string RareShare => (100.0 * Rare.Count / Images.Count).ToString("0.###", CultureInfo.InvariantCulture) + "%";
}
