using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using ImageRec.Common.Aws.Sqs;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using ImageRec.Common.Index;
using ImageRec.Tests.BadInput;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using ImageRec.WebTier.Submission;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Inference;
using ImageRec.Worker.Processing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.Worker;

/// <summary>
/// What the worker does with each kind of message, against the real emulator and the real model:
/// done jobs are written, recorded in the image index, replied and deleted; transient failures and
/// unreadable messages are left on the queue (the latter reaching the dead-letter queue). Each test has
/// its own index table, where every job with an image is queued first, as the web tier does on upload.
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class JobBatchProcessorTests(AwsEmulatorFixture emulator) : IAsyncLifetime
{
    private readonly IAmazonSQS _sqs = emulator.CreateSqsClient();
    private readonly IAmazonS3 _s3 = emulator.CreateS3Client();
    private readonly IAmazonDynamoDB _dynamoDb = emulator.CreateDynamoDbClient();
    private readonly StorageOptions _storage = new()
    {
        InputBucket = AwsEmulatorFixture.UniqueName("input"),
        ResultBucket = AwsEmulatorFixture.UniqueName("results"),
    };
    private ModelHost _model = null!;
    private string _queueUrl = "";
    private string _deadLetterUrl = "";
    private string _replyUrl = "";
    private string _indexTable = "";
    private ImageIndex _index = null!;

    public async Task InitializeAsync()
    {
        _indexTable = await IndexTable.CreateAsync(emulator.ServiceUrl, AwsEmulatorFixture.UniqueName("index"));
        _index = IndexOn(_dynamoDb);
        await _s3.PutBucketAsync(_storage.InputBucket);
        await _s3.PutBucketAsync(_storage.ResultBucket);
        _deadLetterUrl = await _sqs.NewQueueAsync(AwsEmulatorFixture.UniqueName("dlq"));
        var deadLetterArn = await _sqs.AttributeAsync(_deadLetterUrl, QueueAttributeName.QueueArn);
        _queueUrl = await _sqs.NewQueueAsync(AwsEmulatorFixture.UniqueName("requests"), new()
        {
            [QueueAttributeName.VisibilityTimeout] = "1",
            [QueueAttributeName.RedrivePolicy] = SqsTestQueues.RedrivePolicy(deadLetterArn, maxReceiveCount: 2),
        });
        _replyUrl = await _sqs.NewQueueAsync(AwsEmulatorFixture.UniqueName("reply"));

        var classifierOptions = Options.Create(new ClassifierOptions
        {
            Uri = RepositoryPaths.SharedFile("models", "mobilenetv2-12-int8.onnx"),
            LabelsUri = RepositoryPaths.SharedFile("models", "imagenet_classes.txt"),
        });
        _model = new ModelHost(new ModelLoader(classifierOptions, _s3, NullLogger<ModelLoader>.Instance));
        await _model.StartAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _model.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The test's index table (or <paramref name="table"/>) through <paramref name="dynamoDb"/>.</summary>
    private ImageIndex IndexOn(IAmazonDynamoDB dynamoDb, string? table = null) =>
        new(dynamoDb, Options.Create(new ImageIndexOptions { TableName = table ?? _indexTable }));

    private JobBatchProcessor Processor(StorageOptions? storage = null, IAmazonS3? s3 = null, WorkerOptions? worker = null, IMeterFactory? meters = null,
        ImageIndex? index = null)
    {
        meters ??= new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return new JobBatchProcessor(_sqs, s3 ?? _s3, index ?? _index, _model, new ImagePreparer(new ImageDecoder()), new TensorBatchPool(10),
            Options.Create(storage ?? _storage), Options.Create(worker ?? new WorkerOptions()),
            LanePlan.For(worker ?? new WorkerOptions(), new ClassifierOptions(), Environment.ProcessorCount), new WorkerMetrics(meters),
            TimeProvider.System, NullLogger<JobBatchProcessor>.Instance);
    }

    private async Task<RecognitionJob> EnqueueAsync(byte[]? image, string fileName = "image.jpg", string? replyTo = null)
    {
        var id = Guid.CreateVersion7().ToString();
        var job = new RecognitionJob
        {
            Id = id,
            Owner = "tester",
            Input = new ObjectLocation(_storage.InputBucket, StorageOptions.InputKey("tester", id)),
            ReplyTo = replyTo ?? _replyUrl,
            SubmittedAt = DateTimeOffset.UtcNow,
            FileName = fileName,
        };
        // As the web tier uploads: the input, then the image queued in the index, then the job. Without an image (its
        // owner deleted it before a worker came), there is no index item either.
        if (image is not null)
        {
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = job.Input.Bucket, Key = job.Input.Key, InputStream = new MemoryStream(image) });
            Assert.True(await _index.AddAsync(IndexedImage.Queued(job, image.Length, Convert.ToHexStringLower(SHA256.HashData(image))), CancellationToken.None));
        }
        await _sqs.SendMessageAsync(_queueUrl, ContractSerializer.Serialize(job), CancellationToken.None);
        return job;
    }

    private async Task<IReadOnlyList<Message>> ReceiveAsync(int expected)
    {
        var messages = new List<Message>();
        for (var attempt = 0; attempt < 5 && messages.Count < expected; attempt++)
            messages.AddRange(await _sqs.ReceiveAsync(_queueUrl, waitSeconds: 1));
        Assert.Equal(expected, messages.Count);
        return messages;
    }

    private async Task<RecognitionResult?> ResultAsync(RecognitionJob job)
    {
        try
        {
            using var response = await _s3.GetObjectAsync(_storage.ResultBucket, StorageOptions.ResultKey(job.Owner, job.Id));
            return ContractSerializer.ParseResult(await new StreamReader(response.ResponseStream).ReadToEndAsync());
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private Task<IndexedImage?> IndexedAsync(RecognitionJob job) => _index.GetAsync(job.Owner, job.Id, CancellationToken.None);

    /// <summary>The ids the index's pending list (what the stalled-job sweeper reads) holds.</summary>
    private async Task<IReadOnlyList<string>> PendingAsync()
    {
        var ids = new List<string>();
        await foreach (var image in _index.QueuedBeforeAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None)) ids.Add(image.Id);
        return ids;
    }

    /// <summary>The index holds the image as it was queued, with <paramref name="result"/> as its outcome.</summary>
    private static void AssertRecorded(IndexedImage queued, RecognitionResult result, IndexedImage? indexed)
    {
        var expected = queued.CompletedWith(result);
        Assert.NotNull(indexed);
        Assert.Equal(expected with { Labels = [] }, indexed with { Labels = [] });
        Assert.Equal(expected.Labels, indexed.Labels);
    }

    private async Task<(int Visible, int InFlight)> QueueDepthAsync(string url)
    {
        return ((int)await _sqs.CountAsync(url, QueueAttributeName.ApproximateNumberOfMessages),
                (int)await _sqs.CountAsync(url, QueueAttributeName.ApproximateNumberOfMessagesNotVisible));
    }

    private static byte[] TestImage(string file) => File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", file));

    [Fact]
    public async Task A_batch_of_good_bad_and_missing_inputs_is_finished_and_deleted()
    {
        var expected = ExpectedLabel.Load().Take(3).ToArray();
        var good = new List<RecognitionJob>();
        foreach (var e in expected) good.Add(await EnqueueAsync(TestImage(e.File), e.File));
        var corrupt = await EnqueueAsync([.. TestImage(expected[0].File).Take(600), .. new byte[3000]]);
        var missing = await EnqueueAsync(image: null);

        await Processor().ProcessAsync(_queueUrl, await ReceiveAsync(5), CancellationToken.None);

        for (var i = 0; i < good.Count; i++)
        {
            var result = await ResultAsync(good[i]);
            Assert.NotNull(result);
            Assert.Equal(JobStatus.Succeeded, result.Status);
            Assert.Equal(expected[i].Index, result.Labels[0].Index);
            Assert.Equal(expected[i].File, result.FileName);
        }
        var corruptResult = await ResultAsync(corrupt);
        Assert.Equal(JobStatus.Failed, corruptResult?.Status);
        Assert.Contains("JPEG", corruptResult!.Error);
        // A missing input (deleted by its owner) gets a failed reply but no result object that would outlive it.
        Assert.Null(await ResultAsync(missing));

        // All five replied, all five deleted.
        var replies = new List<Message>();
        for (var attempt = 0; attempt < 5 && replies.Count < 5; attempt++)
            replies.AddRange(await _sqs.ReceiveAsync(_replyUrl, waitSeconds: 1));
        Assert.Equal(
            good.Append(corrupt).Append(missing).Select(j => j.Id).Order(),
            replies.Select(r => ContractSerializer.ParseResult(r.Body).Id).Order());
        var missingReply = replies.Select(r => ContractSerializer.ParseResult(r.Body)).Single(r => r.Id == missing.Id);
        Assert.Equal(JobStatus.Failed, missingReply.Status);
        Assert.Contains("does not exist", missingReply.Error);
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Fact]
    public async Task A_result_that_cannot_be_written_leaves_the_message_for_redelivery_and_the_retry_succeeds()
    {
        var expected = ExpectedLabel.Load()[5];
        var job = await EnqueueAsync(TestImage(expected.File), expected.File);

        // The results bucket does not exist: S3 refuses the write (not transient), and the message is left as it is.
        var broken = new StorageOptions { InputBucket = _storage.InputBucket, ResultBucket = AwsEmulatorFixture.UniqueName("absent") };
        await Processor(broken).ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None);
        Assert.Equal((0, 1), await QueueDepthAsync(_queueUrl));
        Assert.Null(await ResultAsync(job));

        // After the visibility timeout the same message comes back and is finished.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var redelivered = await ReceiveAsync(1);
        Assert.Equal(job.Id, ContractSerializer.ParseJob(redelivered[0].Body).Id);
        await Processor().ProcessAsync(_queueUrl, redelivered, CancellationToken.None);
        Assert.Equal(expected.Index, (await ResultAsync(job))!.Labels[0].Index);
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Fact]
    public async Task A_message_that_is_not_a_job_is_left_alone_and_ends_in_the_dead_letter_queue()
    {
        await _sqs.SendMessageAsync(_queueUrl, "{\"hello\":\"world\"}", CancellationToken.None);

        for (var receive = 1; receive <= 2; receive++)
        {
            await Processor().ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None);
            Assert.Equal((0, 1), await QueueDepthAsync(_queueUrl));
            await Task.Delay(TimeSpan.FromSeconds(1.2));
        }

        // maxReceiveCount is 2: the receive after the second visibility timeout moves it to the DLQ.
        Assert.Empty(await _sqs.ReceiveAsync(_queueUrl, waitSeconds: 1));
        var dead = await _sqs.ReceiveAsync(_deadLetterUrl, waitSeconds: 1);
        Assert.Equal("{\"hello\":\"world\"}", Assert.Single(dead).Body);
    }

    [Theory]
    [InlineData(2)] // redelivered: an earlier delivery finished it but was never deleted
    [InlineData(1)] // a new message for a finished job: the web tier's sweeper queued it again
    public async Task A_job_finished_before_keeps_its_result_records_it_in_the_index_and_is_replied_again(int delivery)
    {
        var expected = ExpectedLabel.Load()[7];
        var job = await EnqueueAsync(TestImage(expected.File), expected.File);
        var queued = await IndexedAsync(job);
        // An earlier delivery finished it (its result is stored, perhaps already read) but was never deleted:
        // its worker died, or the delete was lost, or the index could not be updated; the index still says queued.
        var earlier = ContractSerializer.Serialize(new RecognitionResult
        {
            Id = job.Id, Owner = job.Owner, Status = JobStatus.Succeeded, FileName = job.FileName,
            Labels = [new LabelScore(expected.Index, expected.Label, 0.9f)], CompletedAt = DateTimeOffset.UnixEpoch,
        });
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _storage.ResultBucket, Key = StorageOptions.ResultKey(job.Owner, job.Id), ContentBody = earlier });
        var redelivered = Assert.Single(await _sqs.ReceiveAsync(_queueUrl, max: 1, waitSeconds: 1, withReceiveCount: true));
        if (delivery == 2)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.2));
            redelivered = Assert.Single(await _sqs.ReceiveAsync(_queueUrl, max: 1, waitSeconds: 1, withReceiveCount: true));
        }
        Assert.Equal(delivery, redelivered.ApproximateReceiveCount());

        await Processor().ProcessAsync(_queueUrl, [redelivered], CancellationToken.None);

        using (var stored = await _s3.GetObjectAsync(_storage.ResultBucket, StorageOptions.ResultKey(job.Owner, job.Id)))
            Assert.Equal(earlier, await new StreamReader(stored.ResponseStream).ReadToEndAsync());
        var reply = Assert.Single(await _sqs.ReceiveAsync(_replyUrl, waitSeconds: 1));
        Assert.Equal(earlier, reply.Body);
        AssertRecorded(queued!, ContractSerializer.ParseResult(earlier), await IndexedAsync(job));
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Fact]
    public async Task A_batch_waiting_behind_a_slow_one_stays_hidden_from_other_workers_until_it_is_done()
    {
        // Inputs take 5 s to download (a slow S3), past the worker's 3 s visibility timeout: the worker's first
        // batch is slow, and its second waits behind it in the hand-over.
        await using var proxy = await FaultProxy.StartAsync(emulator.ServiceUrl);
        proxy.Targets = request => HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments("/" + _storage.InputBucket);
        proxy.Latency = TimeSpan.FromSeconds(5);
        proxy.Mode = FaultMode.Latency;
        await using var slowStorage = AwsClients.For(proxy.Address);
        var expected = ExpectedLabel.Load().Skip(10).Take(2).ToArray();
        var jobs = new List<RecognitionJob>();
        foreach (var e in expected) jobs.Add(await EnqueueAsync(TestImage(e.File), e.File));
        // One lane, so that the second job waits in the hand-over rather than running beside the first.
        var worker = new WorkerOptions { MaxBatchSize = 1, MaxMessages = 1, VisibilityTimeoutSeconds = 3, WaitTimeSeconds = 1, Lanes = 1 };
        var consumer = new QueueConsumer(_sqs, new MessageBatcher(_sqs, Options.Create(worker)),
            Processor(s3: slowStorage.GetRequiredService<IAmazonS3>(), worker: worker),
            LanePlan.For(worker, new ClassifierOptions(), Environment.ProcessorCount), Options.Create(new QueueOptions { RequestQueue = _queueUrl }),
            Options.Create(worker), TimeProvider.System, NullLogger<QueueConsumer>.Instance);

        await consumer.StartAsync(CancellationToken.None);
        try
        {
            // Once the worker holds both (one being worked on, one waiting), another worker polling gets nothing.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (await QueueDepthAsync(_queueUrl) != (0, 2))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the worker did not take both jobs: {await QueueDepthAsync(_queueUrl)}");
                await Task.Delay(20);
            }
            var stolen = new List<Message>();
            while (clock.Elapsed < TimeSpan.FromSeconds(30) && (await ResultAsync(jobs[^1])) is null)
            {
                stolen.AddRange(await _sqs.ReceiveAsync(_queueUrl));
                await Task.Delay(100);
            }
            Assert.Empty(stolen);
            for (var i = 0; i < jobs.Count; i++) Assert.Equal(expected[i].Index, (await ResultAsync(jobs[i]))?.Labels[0].Index);
        }
        finally
        {
            await consumer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_job_run_twice_writes_an_equal_result()
    {
        var expected = ExpectedLabel.Load()[7];
        var job = await EnqueueAsync(TestImage(expected.File), expected.File);
        var message = (await ReceiveAsync(1))[0];

        await Processor().ProcessAsync(_queueUrl, [message], CancellationToken.None);
        var first = await ResultAsync(job);
        // The same message processed again (its delete was lost): it finds its stored result, which stands.
        await Processor().ProcessAsync(_queueUrl, [message], CancellationToken.None);
        var second = await ResultAsync(job);

        Assert.Equal(first!.Status, second!.Status);
        Assert.Equal(first.Labels, second.Labels);
        Assert.Equal(first.Model, second.Model);
    }

    [Theory]
    [InlineData("job message")]
    [InlineData("S3 event")]
    public async Task Every_case_of_the_bad_input_table_ends_with_its_result_and_leaves_the_queue(string delivery)
    {
        // The table's bytes put straight into the input bucket, as if the web tier had been bypassed: the worker
        // applies the same rules, and every job ends with a result (docs/bad-input.md, last column). Delivered as a
        // job message (the web tier's own key), or as the bucket's event for a key a pipeline chose.
        var mismatches = new List<string>();
        var n = 0;
        foreach (var chunk in BadInputCases.All.Where(c => c.AtWorker is not null).Chunk(10))
        {
            var jobs = new List<(RecognitionJob Job, BadInputCase Case)>();
            foreach (var c in chunk)
                jobs.Add((delivery == "S3 event" ? await WriteAndNotifyAsync(c.Bytes(), $"{++n:D2} {c.FileName}") : await EnqueueAsync(c.Bytes(), c.FileName), c));
            await Processor().ProcessAsync(_queueUrl, await ReceiveAsync(chunk.Length), CancellationToken.None);
            foreach (var (job, c) in jobs)
            {
                var seen = await ResultAsync(job) is { } result ? Classified.Of(result, c.AtWorker) : null;
                if (seen != c.AtWorker) mismatches.Add($"{c.Name}: expected {c.AtWorker}, got {seen?.ToString() ?? "no result"}");
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    /// <summary>Processes <paramref name="messages"/> until none is left for a retry, as the consumer would after its backoff.</summary>
    private async Task RunUntilDoneAsync(JobBatchProcessor processor, IReadOnlyList<Message> messages)
    {
        for (var round = 1; messages.Count > 0; round++)
        {
            Assert.True(round <= 5, $"{messages.Count} messages still left for a retry after {round - 1} rounds");
            messages = await processor.ProcessAsync(_queueUrl, messages, CancellationToken.None);
        }
    }

    private async Task<IReadOnlyList<string>> ResultKeysAsync(RecognitionJob job) =>
        (await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _storage.ResultBucket, Prefix = StorageOptions.ResultKey(job.Owner, job.Id) }))
            .S3Objects?.Select(o => o.Key).ToArray() ?? [];

    [Fact]
    public async Task Each_outcome_is_recorded_in_the_index_and_the_image_leaves_the_pending_list()
    {
        var expected = ExpectedLabel.Load()[2];
        var good = await EnqueueAsync(TestImage(expected.File), expected.File);
        var corrupt = await EnqueueAsync([.. TestImage(expected.File).Take(600), .. new byte[3000]], "corrupt.jpg");
        var queued = new[] { (await IndexedAsync(good))!, (await IndexedAsync(corrupt))! };
        Assert.Equal(queued.Select(q => q.Id).Order(), (await PendingAsync()).Order());

        await Processor().ProcessAsync(_queueUrl, await ReceiveAsync(2), CancellationToken.None);

        var goodResult = (await ResultAsync(good))!;
        Assert.Equal(expected.Index, goodResult.Labels[0].Index);
        AssertRecorded(queued[0], goodResult, await IndexedAsync(good));
        var corruptResult = (await ResultAsync(corrupt))!;
        Assert.Equal(JobStatus.Failed, corruptResult.Status);
        Assert.NotNull(corruptResult.Reason);
        AssertRecorded(queued[1], corruptResult, await IndexedAsync(corrupt));
        Assert.Empty(await PendingAsync());
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    /// <summary>A connection closed before any answer: what a client sees of a service it cannot reach.</summary>
    private static Task AbortConnectionAsync(HttpContext context)
    {
        context.Abort();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("answering 500")]
    [InlineData("unreachable")]
    public async Task An_index_failing_for_a_while_leaves_the_message_until_a_retry_records_the_stored_result(string fault)
    {
        // Every DynamoDB call fails, past the SDK's own retries; S3 and SQS work.
        await using var proxy = await FaultProxy.StartAsync(emulator.ServiceUrl);
        proxy.Targets = AwsErrorResponses.IsDynamoDb;
        proxy.ErrorResponse = fault == "unreachable" ? AbortConnectionAsync : AwsErrorResponses.WriteDynamoDbInternalServerErrorAsync;
        proxy.Mode = FaultMode.Errors;
        await using var throughProxy = AwsClients.For(proxy.Address);
        var processor = Processor(index: IndexOn(throughProxy.GetRequiredService<IAmazonDynamoDB>()));
        var expected = ExpectedLabel.Load()[6];
        var job = await EnqueueAsync(TestImage(expected.File), expected.File);
        var queued = (await IndexedAsync(job))!;

        var left = await processor.ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None);

        // Left for a retry soon, not deleted; the result is safe in S3, the image still queued, and nobody has been
        // answered yet (the reply comes once the outcome is listed).
        Assert.Single(left);
        Assert.True(proxy.Faulted > 0);
        var stored = (await ResultAsync(job))!;
        Assert.Equal(expected.Index, stored.Labels[0].Index);
        Assert.Equal(JobStatus.Queued, (await IndexedAsync(job))!.Status);
        Assert.Empty(await _sqs.ReceiveAsync(_replyUrl, waitSeconds: 1));

        // The fault clears; the job comes back (here after its visibility timeout), finds its result and records it.
        proxy.Mode = FaultMode.PassThrough;
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.Empty(await processor.ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None));

        Assert.Equal([StorageOptions.ResultKey(job.Owner, job.Id)], await ResultKeysAsync(job));
        AssertRecorded(queued, stored, await IndexedAsync(job));
        var reply = ContractSerializer.ParseResult(Assert.Single(await _sqs.ReceiveAsync(_replyUrl, waitSeconds: 1)).Body);
        Assert.Equal((job.Id, stored.CompletedAt), (reply.Id, reply.CompletedAt));
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Fact]
    public async Task An_index_table_that_does_not_exist_refuses_the_job_which_returns_only_after_its_visibility_timeout()
    {
        var expected = ExpectedLabel.Load()[9];
        var job = await EnqueueAsync(TestImage(expected.File), expected.File);
        var queued = (await IndexedAsync(job))!;

        // The worker names a table that is not there (a lasting refusal, as a missing permission would be).
        var absent = IndexOn(_dynamoDb, AwsEmulatorFixture.UniqueName("absent"));
        Assert.Empty(await Processor(index: absent).ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None));
        var stored = (await ResultAsync(job))!;
        Assert.Empty(await _sqs.ReceiveAsync(_replyUrl, waitSeconds: 1));

        // Not deleted: it comes back after its visibility timeout (and would reach the dead-letter queue in the end);
        // with the table there, it is finished.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.Empty(await Processor().ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None));
        AssertRecorded(queued, stored, await IndexedAsync(job));
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Fact]
    public async Task A_job_whose_image_was_deleted_while_it_ran_does_not_bring_it_back_and_leaves_no_result()
    {
        var expected = ExpectedLabel.Load()[8];
        var job = await EnqueueAsync(TestImage(expected.File), expected.File);
        // Its owner deletes the image as the web tier does (input, then index item) just as the worker records the
        // outcome: after the worker read the input and stored the result.
        await using var proxy = await FaultProxy.StartAsync(emulator.ServiceUrl);
        var deletes = 0;
        proxy.Targets = request =>
        {
            if (request.Headers["X-Amz-Target"] == "DynamoDB_20120810.UpdateItem" && Interlocked.Increment(ref deletes) == 1)
            {
                _s3.DeleteObjectAsync(job.Input.Bucket, job.Input.Key).GetAwaiter().GetResult();
                _index.DeleteAsync(job.Owner, job.Id, CancellationToken.None).GetAwaiter().GetResult();
            }
            return false; // passed through
        };
        await using var clients = AwsClients.For(proxy.Address);

        await Processor(index: IndexOn(clients.GetRequiredService<IAmazonDynamoDB>())).ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None);

        Assert.Equal(1, deletes);
        Assert.Null(await IndexedAsync(job));
        Assert.Empty(await ResultKeysAsync(job));
        // A request still waiting for the job gets its answer.
        var reply = ContractSerializer.ParseResult(Assert.Single(await _sqs.ReceiveAsync(_replyUrl, waitSeconds: 1)).Body);
        Assert.Equal((job.Id, JobStatus.Succeeded), (reply.Id, reply.Status));
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Fact]
    public async Task A_job_whose_stored_image_the_index_lacks_keeps_its_result_for_a_reindex()
    {
        var expected = ExpectedLabel.Load()[8];
        var job = await EnqueueAsync(TestImage(expected.File), expected.File);
        // The input is stored but the index has no item: a job queued before the index existed.
        Assert.True(await _index.DeleteAsync(job.Owner, job.Id, CancellationToken.None));

        await Processor().ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None);

        Assert.Null(await IndexedAsync(job)); // not made up from the job alone: reindex builds it from S3
        Assert.Single(await ResultKeysAsync(job));
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Fact]
    public async Task A_job_whose_delete_was_cut_off_after_its_input_ends_failed_instead_of_queued_forever()
    {
        var expected = ExpectedLabel.Load()[8];
        var job = await EnqueueAsync(TestImage(expected.File), expected.File);
        // A delete that removed the input and then failed before the index item: the item still says queued.
        await _s3.DeleteObjectAsync(job.Input.Bucket, job.Input.Key);

        await Processor().ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None);

        var indexed = await IndexedAsync(job);
        Assert.Equal((JobStatus.Failed, FailureReasons.InputMissing), (indexed!.Status, indexed.Reason));
        Assert.Empty(await ResultKeysAsync(job));
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Theory]
    [InlineData("one batch")]
    [InlineData("two workers at once")]
    public async Task A_job_sent_twice_gives_one_result_and_one_reply(string arrival)
    {
        var expected = ExpectedLabel.Load()[3];
        var job = await EnqueueAsync(TestImage(expected.File), expected.File);
        // The same job body again: a SendMessage the SDK retried after its answer was lost.
        await _sqs.SendMessageAsync(_queueUrl, ContractSerializer.Serialize(job), CancellationToken.None);
        var copies = await ReceiveAsync(2);
        var (meters, imagesRun, listener) = CountModelRuns();
        using var _ = listener;

        if (arrival == "one batch")
            await RunUntilDoneAsync(Processor(meters: meters), copies);
        else
            await Task.WhenAll(copies.Select(copy => RunUntilDoneAsync(Processor(meters: meters), [copy])));

        var result = await ResultAsync(job);
        Assert.Equal(JobStatus.Succeeded, result?.Status);
        Assert.Equal([StorageOptions.ResultKey(job.Owner, job.Id)], await ResultKeysAsync(job));
        var reply = ContractSerializer.ParseResult(Assert.Single(await _sqs.ReceiveAsync(_replyUrl, waitSeconds: 1)).Body);
        Assert.Equal((job.Id, result!.CompletedAt), (reply.Id, reply.CompletedAt));
        // In one batch the job runs once and is replied once. Two workers at once reply once too unless the copy that
        // lost the write records the outcome before the winner does (it then replies, in case the winner cannot): then
        // both reply with the one stored result, which the web tier answers its waiter with once.
        var more = (await _sqs.ReceiveAsync(_replyUrl, waitSeconds: 1)).Select(m => ContractSerializer.ParseResult(m.Body)).ToArray();
        if (arrival == "one batch") Assert.Empty(more);
        Assert.All(more, r => Assert.Equal((job.Id, result.CompletedAt), (r.Id, r.CompletedAt)));
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
        // In one batch the model ran the job once; two workers at once may both run it, but only one result stands.
        if (arrival == "one batch") Assert.Equal(1, imagesRun.Sum());
    }

    [Fact]
    public async Task A_job_sent_again_after_it_finished_answers_the_waiting_request_once_with_the_stored_result()
    {
        // The web tier's own reply queue and a request waiting on it.
        var replies = new ReplyQueue(_sqs, Options.Create(new ReplyQueueOptions { Prefix = AwsEmulatorFixture.UniqueName("replies") + "-" }),
            NullLogger<ReplyQueue>.Instance);
        await replies.StartAsync(CancellationToken.None);
        try
        {
            var expected = ExpectedLabel.Load()[4];
            var job = await EnqueueAsync(TestImage(expected.File), expected.File, replyTo: replies.Url);
            using var waiting = replies.Register(job.Id);

            await RunUntilDoneAsync(Processor(), await ReceiveAsync(1));
            var answer = await waiting.Reply.WaitAsync(TimeSpan.FromSeconds(20));
            // The same job body again, after the first copy finished: the sweeper, or a late retried SendMessage.
            await _sqs.SendMessageAsync(_queueUrl, ContractSerializer.Serialize(job), CancellationToken.None);
            await RunUntilDoneAsync(Processor(), await ReceiveAsync(1));

            var stored = await ResultAsync(job);
            Assert.Equal([StorageOptions.ResultKey(job.Owner, job.Id)], await ResultKeysAsync(job));
            Assert.Equal(answer.CompletedAt, stored!.CompletedAt);
            Assert.Equal(expected.Index, answer.Labels[0].Index);
            // The second reply (the same stored result) reaches the reply queue and is dropped: nobody waits any more.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (await _sqs.CountAsync(replies.Url, QueueAttributeName.ApproximateNumberOfMessages) +
                   await _sqs.CountAsync(replies.Url, QueueAttributeName.ApproximateNumberOfMessagesNotVisible) > 0)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the reply queue still holds the duplicate reply");
                await Task.Delay(100);
            }
            Assert.Same(answer, await waiting.Reply);
            Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
        }
        finally
        {
            await replies.StopAsync(CancellationToken.None);
            replies.Dispose();
        }
    }

    /// <summary>Meters for a processor, and the images its model runs take (the batch sizes it records).</summary>
    private static (IMeterFactory Meters, ConcurrentQueue<int> ImagesRun, MeterListener Listener) CountModelRuns()
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        var imagesRun = new ConcurrentQueue<int>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "imagerec_worker_batch_size") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<int>((_, images, _, _) => imagesRun.Enqueue(images));
        listener.Start();
        return (meters, imagesRun, listener);
    }

    // ---------------------------------------------------------------- images that arrive through S3 events

    /// <summary>
    /// The job the worker makes of <c>{owner}/{name}</c> in the input bucket: its owner and id (the name, or derived
    /// from the key), the object as its input.
    /// </summary>
    private RecognitionJob EventJob(string key)
    {
        Assert.True(InputKeys.TrySplit(key, out var owner, out var name));
        return new RecognitionJob
        {
            Id = InputKeys.IdOf(key, name), Owner = owner, Input = new ObjectLocation(_storage.InputBucket, key),
            SubmittedAt = DateTimeOffset.UtcNow, FileName = name,
        };
    }

    private Task SendEventAsync(params S3EventBodies.Created[] objects) =>
        _sqs.SendMessageAsync(_queueUrl, S3EventBodies.Notification(objects), CancellationToken.None);

    /// <summary>Writes <paramref name="image"/> as <c>tester/{name}</c> with the SDK, as a pipeline would, and sends the bucket's event for it.</summary>
    private async Task<RecognitionJob> WriteAndNotifyAsync(byte[] image, string name, string owner = "tester")
    {
        var key = $"{owner}/{name}";
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _storage.InputBucket, Key = key, InputStream = new MemoryStream(image) });
        await SendEventAsync(new S3EventBodies.Created(_storage.InputBucket, key, image.Length));
        return EventJob(key);
    }

    [Fact]
    public async Task An_image_written_into_the_bucket_is_listed_for_its_owner_with_its_labels()
    {
        var expected = ExpectedLabel.Load()[1];
        var image = TestImage(expected.File);
        var job = await WriteAndNotifyAsync(image, "photo 1.jpg");
        Assert.NotEqual("photo 1.jpg", job.Id);
        Assert.True(Guid.TryParse(job.Id, out _));

        Assert.Empty(await Processor().ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None));

        var result = (await ResultAsync(job))!;
        Assert.Equal((JobStatus.Succeeded, expected.Index, "photo 1.jpg"), (result.Status, result.Labels[0].Index, result.FileName));
        Assert.Equal([StorageOptions.ResultKey("tester", job.Id)], await ResultKeysAsync(job));
        var listed = Assert.Single((await _index.ListAsync("tester", null, null, 10, CancellationToken.None)).Items);
        Assert.Equal((job.Id, JobStatus.Succeeded, "photo 1.jpg", (long?)image.Length, expected.Index),
            (listed.Id, listed.Status, listed.FileName, listed.Size, listed.Labels[0].Index));
        Assert.Empty(await PendingAsync());
        Assert.Empty(await _sqs.ReceiveAsync(_replyUrl, waitSeconds: 1)); // nobody waits for it
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Fact]
    public async Task A_message_with_several_records_runs_each_and_is_deleted_when_all_are_done()
    {
        var expected = ExpectedLabel.Load().Skip(12).Take(2).ToArray();
        var jobs = new List<RecognitionJob>();
        var created = new List<S3EventBodies.Created>();
        foreach (var e in expected)
        {
            var key = $"tester/{e.File}";
            var image = TestImage(e.File);
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _storage.InputBucket, Key = key, InputStream = new MemoryStream(image) });
            created.Add(new(_storage.InputBucket, key, image.Length));
            jobs.Add(EventJob(key));
        }
        await SendEventAsync([.. created]);

        Assert.Empty(await Processor().ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None));

        for (var i = 0; i < jobs.Count; i++)
            Assert.Equal(expected[i].Index, (await IndexedAsync(jobs[i]))!.Labels[0].Index);
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Theory]
    [InlineData("one batch")]
    [InlineData("one message")]
    [InlineData("two batches")]
    public async Task The_same_key_notified_twice_is_one_job_with_one_result(string arrival)
    {
        var expected = ExpectedLabel.Load()[3];
        var image = TestImage(expected.File);
        var job = await WriteAndNotifyAsync(image, "holiday.jpg");
        var created = new S3EventBodies.Created(_storage.InputBucket, job.Input.Key, image.Length);
        var (meters, imagesRun, listener) = CountModelRuns();
        using var _ = listener;

        if (arrival == "one message")
        {
            // Replace the single-record message with one that holds the record twice.
            await _sqs.DeleteMessagesAsync(_queueUrl, (await ReceiveAsync(1)).Select(m => m.ReceiptHandle).ToArray(), CancellationToken.None);
            await SendEventAsync(created, created);
            await RunUntilDoneAsync(Processor(meters: meters), await ReceiveAsync(1));
        }
        else if (arrival == "one batch")
        {
            await SendEventAsync(created); // S3 delivers at least once
            await RunUntilDoneAsync(Processor(meters: meters), await ReceiveAsync(2));
        }
        else
        {
            await RunUntilDoneAsync(Processor(meters: meters), await ReceiveAsync(1));
            var first = await ResultAsync(job);
            await SendEventAsync(created);
            await RunUntilDoneAsync(Processor(meters: meters), await ReceiveAsync(1));
            Assert.Equal(first!.CompletedAt, (await ResultAsync(job))!.CompletedAt);
        }

        Assert.Equal(1, imagesRun.Sum());
        Assert.Equal([StorageOptions.ResultKey(job.Owner, job.Id)], await ResultKeysAsync(job));
        Assert.Equal(expected.Index, Assert.Single((await _index.ListAsync("tester", null, null, 10, CancellationToken.None)).Items).Labels[0].Index);
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Fact]
    public async Task A_presigned_upload_that_arrived_runs_and_its_outcome_is_recorded()
    {
        var expected = ExpectedLabel.Load()[5];
        var image = TestImage(expected.File);
        var id = Guid.CreateVersion7().ToString();
        var key = StorageOptions.InputKey("tester", id);
        var awaiting = new IndexedImage("tester", id, DateTimeOffset.UtcNow, JobStatus.AwaitingUpload, FileName: "cat.jpg");
        Assert.True(await _index.AddAsync(awaiting, CancellationToken.None));
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _storage.InputBucket, Key = key, InputStream = new MemoryStream(image) });
        await SendEventAsync(new S3EventBodies.Created(_storage.InputBucket, key, image.Length));

        Assert.Empty(await Processor().ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None));

        var job = EventJob(key);
        Assert.Equal(id, job.Id);
        var result = (await ResultAsync(job))!;
        Assert.Equal((JobStatus.Succeeded, expected.Index, "cat.jpg"), (result.Status, result.Labels[0].Index, result.FileName));
        AssertRecorded(awaiting, result, await IndexedAsync(job));
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Fact]
    public async Task The_event_of_a_web_tier_upload_is_deleted_without_running_its_job_message_runs_it()
    {
        var expected = ExpectedLabel.Load()[4];
        var image = TestImage(expected.File);
        // The web tier's upload (input, queued item, job message); its job message is taken away for now.
        var job = await EnqueueAsync(image, expected.File);
        var jobMessage = await ReceiveAsync(1);
        await SendEventAsync(new S3EventBodies.Created(_storage.InputBucket, job.Input.Key, image.Length));
        var (meters, imagesRun, listener) = CountModelRuns();
        using var _ = listener;

        Assert.Empty(await Processor(meters: meters).ProcessAsync(_queueUrl, await ReceiveAsync(1), CancellationToken.None));

        Assert.Equal(0, imagesRun.Sum());
        Assert.Null(await ResultAsync(job));
        Assert.Equal(JobStatus.Queued, (await IndexedAsync(job))!.Status);
        Assert.Equal((0, 1), await QueueDepthAsync(_queueUrl)); // only the job message, still held

        // Its job message runs it.
        await RunUntilDoneAsync(Processor(meters: meters), jobMessage);
        Assert.Equal(1, imagesRun.Sum());
        Assert.Equal(JobStatus.Succeeded, (await IndexedAsync(job))!.Status);
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }

    [Fact]
    public async Task The_test_event_and_events_that_are_not_ours_are_deleted()
    {
        var image = TestImage(ExpectedLabel.Load()[0].File);
        var other = AwsEmulatorFixture.UniqueName("other");
        await _s3.PutBucketAsync(other);
        foreach (var (bucket, key) in new[] { (other, "tester/a.jpg"), (_storage.InputBucket, "loose.jpg"), (_storage.InputBucket, "tester/album/a.jpg"), (_storage.InputBucket, "/a.jpg") })
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(image) });
        await _sqs.SendMessageAsync(_queueUrl, S3EventBodies.TestEvent(_storage.InputBucket), CancellationToken.None);
        await SendEventAsync(new S3EventBodies.Created(other, "tester/a.jpg", image.Length));
        await SendEventAsync(new S3EventBodies.Created(_storage.InputBucket, "loose.jpg", image.Length));
        await SendEventAsync(new S3EventBodies.Created(_storage.InputBucket, "tester/album/a.jpg", image.Length));
        await SendEventAsync(new S3EventBodies.Created(_storage.InputBucket, "/a.jpg", image.Length));
        await SendEventAsync(new S3EventBodies.Created(_storage.InputBucket, "tester/a.jpg", 0, "ObjectRemoved:Delete"));
        var (meters, imagesRun, listener) = CountModelRuns();
        using var _ = listener;

        Assert.Empty(await Processor(meters: meters).ProcessAsync(_queueUrl, await ReceiveAsync(6), CancellationToken.None));

        Assert.Equal(0, imagesRun.Sum());
        Assert.Empty((await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _storage.ResultBucket })).S3Objects ?? []);
        Assert.Empty((await _index.ListAsync("tester", null, null, 10, CancellationToken.None)).Items);
        Assert.Equal((0, 0), await QueueDepthAsync(_queueUrl));
    }
}
