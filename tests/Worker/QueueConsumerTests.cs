using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using ImageRec.Common.Index;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Inference;
using ImageRec.Worker.Processing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.Worker;

/// <summary>
/// The queue consumer against the emulator and the real model: with two lanes, what one receive brings
/// is split over the lanes and every job is finished once with the right label; on shutdown, a long
/// poll in flight is not cut off but what it brings is released; a receive refused for good does not end the loop.
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class QueueConsumerTests(AwsEmulatorFixture emulator)
{
    private readonly IAmazonSQS _sqs = emulator.CreateSqsClient();
    private readonly IAmazonS3 _s3 = emulator.CreateS3Client();
    private readonly IAmazonDynamoDB _dynamoDb = emulator.CreateDynamoDbClient();

    [Fact]
    public async Task Two_lanes_split_each_receive_and_finish_every_job()
    {
        var storage = new StorageOptions { InputBucket = AwsEmulatorFixture.UniqueName("input"), ResultBucket = AwsEmulatorFixture.UniqueName("results") };
        await _s3.PutBucketAsync(storage.InputBucket);
        await _s3.PutBucketAsync(storage.ResultBucket);
        var queueName = AwsEmulatorFixture.UniqueName("requests");
        var queueUrl = await _sqs.NewQueueAsync(queueName);
        var index = await NewIndexAsync();

        var expected = ExpectedLabel.Load().Take(10).ToArray();
        var jobs = new List<(RecognitionJob Job, ExpectedLabel Expected)>();
        foreach (var e in expected)
        {
            var id = Guid.CreateVersion7().ToString();
            var job = new RecognitionJob
            {
                Id = id, Owner = "tester", FileName = e.File, SubmittedAt = DateTimeOffset.UtcNow,
                Input = new ObjectLocation(storage.InputBucket, StorageOptions.InputKey("tester", id)),
            };
            await UploadAsync(index, job, e.File);
            jobs.Add((job, e));
        }
        // All ten go in before the consumer starts, so its first receive can bring all of them.
        await _sqs.SendAllAsync(queueUrl, [.. jobs.Select(j => ContractSerializer.Serialize(j.Job))]);

        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        var batchSizes = new ConcurrentQueue<int>();
        using var listener = Listen<int>(meters, "imagerec_worker_batch_size", batchSizes.Enqueue);

        var workerOptions = new WorkerOptions { Lanes = 2, WaitTimeSeconds = 1 };
        var classifierOptions = RealModel;
        using var model = await LoadedModelAsync(classifierOptions);
        using var consumer = Consumer(queueName, storage, workerOptions, classifierOptions, model, meters, index: index);

        await consumer.StartAsync(CancellationToken.None);
        try
        {
            foreach (var (job, e) in jobs)
            {
                var result = await WaitForResultAsync(storage, job, TimeSpan.FromSeconds(60));
                Assert.Equal(JobStatus.Succeeded, result.Status);
                Assert.Equal(e.Index, result.Labels[0].Index);
            }
        }
        finally
        {
            await consumer.StopAsync(CancellationToken.None);
        }

        // Every image went through the model once, and no lane got more than half of a receive.
        Assert.Equal(jobs.Count, batchSizes.Sum());
        Assert.All(batchSizes, size => Assert.InRange(size, 1, 5));
    }

    [Fact]
    public async Task Jobs_a_long_poll_brings_after_the_stop_signal_are_released_not_left_invisible()
    {
        var queueName = AwsEmulatorFixture.UniqueName("requests");
        var queueUrl = await _sqs.NewQueueAsync(queueName, new() { [QueueAttributeName.VisibilityTimeout] = "120" });
        var workerOptions = new WorkerOptions { WaitTimeSeconds = 3 };
        var classifierOptions = new ClassifierOptions();
        // Never loaded: nothing may be processed once the stop signal came.
        using var model = new ModelHost(new ModelLoader(Options.Create(classifierOptions), _s3, NullLogger<ModelLoader>.Instance));
        using var consumer = Consumer(queueName, new StorageOptions(), workerOptions, classifierOptions, model,
            new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

        await consumer.StartAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the first long poll is waiting on the empty queue
        var stopping = consumer.StopAsync(CancellationToken.None);
        await _sqs.SendAllAsync(queueUrl, ["{}", "{}"]);
        await stopping;

        // Whatever the poll in flight took was handed back: both jobs are there for the next worker now,
        // not after the 120 s visibility timeout.
        Assert.Equal((2L, 0L), (await _sqs.CountAsync(queueUrl, QueueAttributeName.ApproximateNumberOfMessages),
            await _sqs.CountAsync(queueUrl, QueueAttributeName.ApproximateNumberOfMessagesNotVisible)));
    }

    [Fact]
    public async Task A_job_that_met_a_transient_storage_error_comes_back_after_a_short_backoff_not_the_visibility_timeout()
    {
        var storage = new StorageOptions { InputBucket = AwsEmulatorFixture.UniqueName("input"), ResultBucket = AwsEmulatorFixture.UniqueName("results") };
        await _s3.PutBucketAsync(storage.InputBucket);
        await _s3.PutBucketAsync(storage.ResultBucket);
        // S3 answers SlowDown (503) to every write of a result at first: an outage longer than the SDK's own retries.
        await using var proxy = await FaultProxy.StartAsync(emulator.ServiceUrl);
        proxy.Targets = request => HttpMethods.IsPut(request.Method) && request.Path.StartsWithSegments("/" + storage.ResultBucket);
        proxy.Mode = FaultMode.Errors;
        await using var throughProxy = AwsClients.For(proxy.Address);
        var queueName = AwsEmulatorFixture.UniqueName("requests");
        var queueUrl = await _sqs.NewQueueAsync(queueName, new() { [QueueAttributeName.VisibilityTimeout] = "120" });
        var index = await NewIndexAsync();
        var expected = ExpectedLabel.Load()[0];
        var id = Guid.CreateVersion7().ToString();
        var job = new RecognitionJob
        {
            Id = id, Owner = "tester", FileName = expected.File, SubmittedAt = DateTimeOffset.UtcNow,
            Input = new ObjectLocation(storage.InputBucket, StorageOptions.InputKey("tester", id)),
        };
        await UploadAsync(index, job, expected.File);
        await _sqs.SendMessageAsync(queueUrl, ContractSerializer.Serialize(job), CancellationToken.None);

        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        var firstFailure = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = Listen<long>(meters, "imagerec_worker_transient_errors", _ => firstFailure.TrySetResult());

        var workerOptions = new WorkerOptions { WaitTimeSeconds = 1, RetryBaseDelaySeconds = 2 };
        var classifierOptions = RealModel;
        using var model = await LoadedModelAsync(classifierOptions);
        using var consumer = Consumer(queueName, storage, workerOptions, classifierOptions, model, meters, throughProxy.GetRequiredService<IAmazonS3>(), index: index);
        await consumer.StartAsync(CancellationToken.None);
        try
        {
            await firstFailure.Task.WaitAsync(TimeSpan.FromSeconds(60));
            proxy.Mode = FaultMode.PassThrough;

            // Left alone, the job would return only after the 120 s its heartbeat last granted it.
            var result = await WaitForResultAsync(storage, job, TimeSpan.FromSeconds(30));
            Assert.Equal(JobStatus.Succeeded, result.Status);
            Assert.Equal(expected.Index, result.Labels[0].Index);
        }
        finally
        {
            await consumer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_receive_refused_for_good_does_not_end_the_loop_which_polls_again()
    {
        var queueName = AwsEmulatorFixture.UniqueName("requests");
        await _sqs.NewQueueAsync(queueName);
        // SQS refuses the first ReceiveMessage as it refuses a role without sqs:ReceiveMessage; the rest pass.
        await using var proxy = await FaultProxy.FailingFirstAsync(emulator.ServiceUrl,
            request => AwsErrorResponses.IsSqsAction(request, "ReceiveMessage"), AwsErrorResponses.WriteAccessDeniedAsync);
        await using var throughProxy = AwsClients.For(proxy.Address);
        var workerOptions = new WorkerOptions { WaitTimeSeconds = 1 };
        var classifierOptions = new ClassifierOptions();
        // Never loaded: the queue stays empty, only the receive loop is under test.
        using var model = new ModelHost(new ModelLoader(Options.Create(classifierOptions), _s3, NullLogger<ModelLoader>.Instance));
        using var consumer = Consumer(queueName, new StorageOptions(), workerOptions, classifierOptions, model,
            new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>(), sqs: throughProxy.GetRequiredService<IAmazonSQS>());

        await consumer.StartAsync(CancellationToken.None);
        // Until a receive after the refused one, or the loop ends (bounded either way).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!proxy.RequestedAfterFirstFault && !consumer.ExecuteTask!.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(50);
        var ended = consumer.ExecuteTask!.IsCompleted;
        await consumer.StopAsync(CancellationToken.None);

        Assert.False(ended, "the consumer's loop ended");
        Assert.Equal(1, proxy.Faulted);
        Assert.True(proxy.RequestedAfterFirstFault, "no receive after the refused one");
    }

    /// <summary>Measurements of one instrument of the meters <paramref name="meters"/> made (not other tests').</summary>
    private static MeterListener Listen<T>(IMeterFactory meters, string instrumentName, Action<T> measured) where T : struct
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == instrumentName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<T>((_, value, _, _) => measured(value));
        listener.Start();
        return listener;
    }

    private static ClassifierOptions RealModel => new()
    {
        Uri = RepositoryPaths.SharedFile("models", "mobilenetv2-12-int8.onnx"),
        LabelsUri = RepositoryPaths.SharedFile("models", "imagenet_classes.txt"),
    };

    private async Task<ModelHost> LoadedModelAsync(ClassifierOptions classifierOptions)
    {
        var model = new ModelHost(new ModelLoader(Options.Create(classifierOptions), _s3, NullLogger<ModelLoader>.Instance));
        await model.StartAsync(CancellationToken.None);
        return model;
    }

    /// <summary>An index table of the test's own, in the emulator.</summary>
    private async Task<ImageIndex> NewIndexAsync() =>
        new(_dynamoDb, Options.Create(new ImageIndexOptions { TableName = await IndexTable.CreateAsync(emulator.ServiceUrl, AwsEmulatorFixture.UniqueName("index")) }));

    /// <summary>What the web tier does before it queues a job: the test image <paramref name="file"/> stored as its input, and queued in the index.</summary>
    private async Task UploadAsync(ImageIndex index, RecognitionJob job, string file)
    {
        var path = RepositoryPaths.SharedFile("testdata", "images", file);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = job.Input.Bucket, Key = job.Input.Key, FilePath = path });
        await index.AddAsync(IndexedImage.Queued(job, new FileInfo(path).Length, contentSha256: null), CancellationToken.None);
    }

    /// <summary>A consumer; without <paramref name="index"/>, one on a table the emulator does not have (for tests that finish no job).</summary>
    private QueueConsumer Consumer(string queueName, StorageOptions storage, WorkerOptions workerOptions, ClassifierOptions classifierOptions,
        ModelHost model, IMeterFactory meters, IAmazonS3? s3 = null, IAmazonSQS? sqs = null, ImageIndex? index = null)
    {
        sqs ??= _sqs;
        index ??= new ImageIndex(_dynamoDb, Options.Create(new ImageIndexOptions()));
        var lanes = LanePlan.For(workerOptions, classifierOptions, processorCount: 2);
        var processor = new JobBatchProcessor(sqs, s3 ?? _s3, index, model, new ImagePreparer(new ImageDecoder()), new TensorBatchPool(10),
            Options.Create(storage), Options.Create(workerOptions), lanes, new WorkerMetrics(meters), TimeProvider.System,
            NullLogger<JobBatchProcessor>.Instance);
        return new QueueConsumer(sqs, new MessageBatcher(sqs, Options.Create(workerOptions)), processor, lanes,
            Options.Create(new QueueOptions { RequestQueue = queueName }), Options.Create(workerOptions), TimeProvider.System,
            NullLogger<QueueConsumer>.Instance);
    }

    private async Task<RecognitionResult> WaitForResultAsync(StorageOptions storage, RecognitionJob job, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await _s3.GetObjectAsync(storage.ResultBucket, StorageOptions.ResultKey(job.Owner, job.Id));
                return ContractSerializer.ParseResult(await new StreamReader(response.ResponseStream).ReadToEndAsync());
            }
            catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
