using System.Text.Json;
using Amazon.DynamoDBv2;
using ImageRec.Common.Contracts;
using ImageRec.Common.Index;
using ImageRec.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.Index;

/// <summary>The image index against dynalite (in the local emulator) over HTTP, on a table made from deploy/eks/image-index-table.json.</summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class ImageIndexTests(AwsEmulatorFixture emulator) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly ModelInfo Model = new("mobilenetv2-12-int8", "abc123");
    private ImageIndex _index = null!;

    public async Task InitializeAsync()
    {
        var table = await IndexTable.CreateAsync(emulator.ServiceUrl, AwsEmulatorFixture.UniqueName("index"));
        _index = new ImageIndex(emulator.CreateDynamoDbClient(), Options.Create(new ImageIndexOptions { TableName = table }));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static IndexedImage Uploaded(string owner, int minute, string? fileName = null) =>
        new(owner, Guid.CreateVersion7().ToString(), T0.AddMinutes(minute), JobStatus.Queued, fileName ?? $"img-{minute}.jpg", 1000 + minute, "ab" + minute, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

    private static RecognitionResult Succeeded(IndexedImage image, params string[] labels) => new()
    {
        Id = image.Id,
        Owner = image.Owner,
        Status = JobStatus.Succeeded,
        Labels = labels.Select((l, i) => new LabelScore(i, l, 0.9f / (i + 1))).ToArray(),
        Model = Model,
        FileName = image.FileName,
        CompletedAt = image.UploadedAt.AddSeconds(2),
    };

    [Fact]
    public async Task An_added_image_reads_back_as_it_was_written_and_is_added_once()
    {
        var image = Uploaded("alice", 0);
        Assert.True(await _index.AddAsync(image, default));
        Assert.Equal(image, await _index.GetAsync("alice", image.Id, default), new IndexedImageComparer());
        Assert.False(await _index.AddAsync(image with { FileName = "other.jpg" }, default));
        Assert.Equal("img-0.jpg", (await _index.GetAsync("alice", image.Id, default))!.FileName);
        Assert.Null(await _index.GetAsync("bob", image.Id, default));
    }

    [Fact]
    public async Task Completion_records_the_outcome_once_and_never_brings_back_a_deleted_image()
    {
        var image = Uploaded("alice", 0);
        await _index.AddAsync(image, default);
        var result = Succeeded(image, "robin", "jay");
        Assert.Equal(IndexCompletion.Recorded, await _index.CompleteAsync(result, default));
        var stored = await _index.GetAsync("alice", image.Id, default);
        Assert.Equal(image.CompletedWith(result), stored, new IndexedImageComparer());

        // A late completion of another copy (failed this time) does not overwrite the outcome.
        var late = result with { Status = JobStatus.Failed, Labels = [], Error = "late", Reason = FailureReasons.ProcessingFailed };
        Assert.Equal(IndexCompletion.AlreadyFinished, await _index.CompleteAsync(late, default));
        Assert.Equal(JobStatus.Succeeded, (await _index.GetAsync("alice", image.Id, default))!.Status);

        Assert.True(await _index.DeleteAsync("alice", image.Id, default));
        Assert.False(await _index.DeleteAsync("alice", image.Id, default));
        Assert.Equal(IndexCompletion.ImageGone, await _index.CompleteAsync(result, default));
        Assert.Null(await _index.GetAsync("alice", image.Id, default));
    }

    [Fact]
    public async Task Listing_is_newest_first_page_by_page_and_only_the_owners_images()
    {
        var images = Enumerable.Range(0, 7).Select(m => Uploaded("carol", m)).ToArray();
        // Added out of order: the listing orders by upload time, not by when the item was written.
        foreach (var image in images.Reverse().Concat([Uploaded("dave", 3)])) await _index.AddAsync(image, default);

        var seen = new List<string>();
        IndexCursor? cursor = null;
        var pages = 0;
        do
        {
            var page = await _index.ListAsync("carol", null, cursor, 3, default);
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(i => i.Id));
            cursor = page.Next;
            pages++;
        }
        while (cursor is not null && pages < 10);
        Assert.Equal(images.Reverse().Select(i => i.Id), seen);

        // A cursor survives its trip through a client.
        var first = await _index.ListAsync("carol", null, null, 2, default);
        Assert.True(IndexCursor.TryDecode(first.Next!.Encode(), out var decoded));
        var second = await _index.ListAsync("carol", null, decoded, 2, default);
        Assert.Equal(images.Reverse().Skip(2).Take(2).Select(i => i.Id), second.Items.Select(i => i.Id));
    }

    [Fact]
    public async Task A_label_filter_finds_the_images_whose_top_label_it_is_in_any_case()
    {
        var robins = new List<string>();
        for (var m = 0; m < 6; m++)
        {
            var image = Uploaded("erin", m);
            await _index.AddAsync(image, default);
            var top = m % 2 == 0 ? "robin" : "jay";
            await _index.CompleteAsync(Succeeded(image, top, "magpie"), default);
            if (top == "robin") robins.Insert(0, image.Id);
        }
        var queued = Uploaded("erin", 10);
        await _index.AddAsync(queued, default);

        var page = await _index.ListAsync("erin", "Robin", null, 10, default);
        Assert.Equal(robins, page.Items.Select(i => i.Id));
        Assert.All(page.Items, i => Assert.Equal("robin", i.Labels[0].Label));
        // Only the top label is indexed: "magpie" (second on every image) finds nothing.
        Assert.Empty((await _index.ListAsync("erin", "magpie", null, 10, default)).Items);
        Assert.Empty((await _index.ListAsync("someone-else", "robin", null, 10, default)).Items);

        var firstTwo = await _index.ListAsync("erin", "robin", null, 2, default);
        var rest = await _index.ListAsync("erin", "robin", firstTwo.Next, 2, default);
        Assert.Equal(robins, firstTwo.Items.Concat(rest.Items).Select(i => i.Id));
    }

    [Fact]
    public async Task The_sweepers_query_finds_every_image_queued_before_a_time_in_every_shard()
    {
        var owner = "frank-" + Guid.NewGuid().ToString("N")[..6];
        var old = Enumerable.Range(0, 40).Select(m => Uploaded(owner, m)).ToArray();
        var recent = Uploaded(owner, 100);
        foreach (var image in old.Append(recent)) await _index.AddAsync(image, default);
        // Finished and deleted images leave the pending index.
        await _index.CompleteAsync(Succeeded(old[0], "robin"), default);
        await _index.DeleteAsync(owner, old[1].Id, default);
        Assert.True(old.Select(i => ImageIndexSchema.ShardOf(i.Id)).Distinct().Count() > 1, "the ids should spread over several shards");

        var found = new List<IndexedImage>();
        await foreach (var image in _index.QueuedBeforeAsync(T0.AddMinutes(50), default))
            if (image.Owner == owner) found.Add(image);
        Assert.Equal(old.Skip(2).Select(i => i.Id).Order(), found.Select(i => i.Id).Order());
        var sample = found.Single(i => i.Id == old[5].Id);
        Assert.Equal((old[5].FileName, old[5].Traceparent, old[5].UploadedAt), (sample.FileName, sample.Traceparent, sample.UploadedAt));
    }

    [Fact]
    public async Task A_failed_image_keeps_its_reason_and_is_not_found_by_label()
    {
        var image = Uploaded("gina", 0);
        await _index.AddAsync(image, default);
        var failed = new RecognitionResult
        {
            Id = image.Id, Owner = "gina", Status = JobStatus.Failed, Error = "not an image", Reason = FailureReasons.UnsupportedFormat,
            Model = Model, CompletedAt = T0.AddMinutes(1),
        };
        Assert.Equal(IndexCompletion.Recorded, await _index.CompleteAsync(failed, default));
        var stored = (await _index.GetAsync("gina", image.Id, default))!;
        Assert.Equal((JobStatus.Failed, FailureReasons.UnsupportedFormat, "not an image"), (stored.Status, stored.Reason, stored.Error));
        Assert.Single((await _index.ListAsync("gina", null, null, 10, default)).Items);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-base64!")]
    [InlineData("MjAyNnxub3QtYS1ndWlk")] // "2026|not-a-guid"
    public void A_cursor_that_is_not_one_of_ours_is_refused(string text) => Assert.False(IndexCursor.TryDecode(text, out _));

    [Fact]
    public void The_schemas_names_are_those_of_the_table_definition()
    {
        using var definition = JsonDocument.Parse(IndexTable.Definition("t"));
        var root = definition.RootElement;
        string[] Keys(JsonElement schema) => schema.GetProperty("KeySchema").EnumerateArray().Select(k => k.GetProperty("AttributeName").GetString()!).ToArray();
        JsonElement IndexNamed(string list, string name) => root.GetProperty(list).EnumerateArray().Single(i => i.GetProperty("IndexName").GetString() == name);

        Assert.Equal([ImageIndexSchema.Owner, ImageIndexSchema.Id], Keys(root));
        Assert.Equal([ImageIndexSchema.Owner, ImageIndexSchema.UploadedAt], Keys(IndexNamed("LocalSecondaryIndexes", ImageIndexSchema.NewestFirst)));
        Assert.Equal([ImageIndexSchema.OwnerLabel, ImageIndexSchema.UploadedAt], Keys(IndexNamed("GlobalSecondaryIndexes", ImageIndexSchema.ByLabel)));
        var pending = IndexNamed("GlobalSecondaryIndexes", ImageIndexSchema.Pending);
        Assert.Equal([ImageIndexSchema.PendingShard, ImageIndexSchema.UploadedAt], Keys(pending));
        // The sweeper rebuilds a job (and tells a queued image from one awaiting its upload) from the pending index alone.
        Assert.Equal([ImageIndexSchema.FileName, ImageIndexSchema.InputKey, ImageIndexSchema.Status, ImageIndexSchema.Traceparent],
            pending.GetProperty("Projection").GetProperty("NonKeyAttributes").EnumerateArray().Select(a => a.GetString()!).Order());
        Assert.Equal("PAY_PER_REQUEST", root.GetProperty("BillingMode").GetString());
    }

    [Fact]
    public void Times_are_written_fixed_width_so_text_order_is_time_order()
    {
        var times = new[] { T0, T0.AddTicks(1), T0.AddSeconds(1), T0.AddYears(1), new DateTimeOffset(2026, 12, 6, 13, 0, 0, TimeSpan.FromHours(2)) };
        var written = times.Select(ImageIndexSchema.FormatTime).ToArray();
        Assert.Equal(times.OrderBy(t => t).Select(ImageIndexSchema.FormatTime), written.Order(StringComparer.Ordinal));
        Assert.All(written, w => Assert.True(ImageIndexSchema.TryParseTime(w, out _)));
    }

    /// <summary>Records with lists compare by reference; this compares the lists' elements.</summary>
    private sealed class IndexedImageComparer : IEqualityComparer<IndexedImage?>
    {
        public bool Equals(IndexedImage? x, IndexedImage? y) =>
            x is not null && y is not null && x with { Labels = [] } == y with { Labels = [] } && x.Labels.SequenceEqual(y.Labels);

        public int GetHashCode(IndexedImage? obj) => obj?.Id.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
