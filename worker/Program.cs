using ImageRec.Common.Aws;
using ImageRec.Common.Configuration;
using ImageRec.Common.Index;
using ImageRec.Common.Observability;
using ImageRec.Worker.Classify;
using ImageRec.Worker.Imaging;
using ImageRec.Worker.Inference;
using ImageRec.Worker.Processing;
using Microsoft.Extensions.Options;

// `imagerec-worker classify <folder or files>` classifies offline and prints a throughput line;
// anything else runs the queue worker.
if (args.Length > 0 && args[0] == "classify")
    return await ClassifyCommand.RunAsync(args[1..]);

var builder = WebApplication.CreateSlimBuilder(ServiceHostOptions.For(args));

builder.Services.AddImageRecAws(builder.Configuration);
// The image index, where each job's outcome is recorded (section Index: the table).
builder.Services.AddImageIndex(builder.Configuration);
builder.Services.Configure<QueueOptions>(builder.Configuration.GetSection(QueueOptions.Section));
builder.Services.Configure<StorageOptions>(builder.Configuration.GetSection(StorageOptions.Section));
builder.Services.Configure<WorkerOptions>(builder.Configuration.GetSection(WorkerOptions.Section));
builder.Services.Configure<ClassifierOptions>(builder.Configuration.GetSection(ClassifierOptions.Section));

// The lanes decide how many threads each model run gets: a lane's run uses that lane's cores.
var workerSettings = builder.Configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
var lanes = LanePlan.For(
    workerSettings,
    builder.Configuration.GetSection(ClassifierOptions.Section).Get<ClassifierOptions>() ?? new ClassifierOptions(),
    Environment.ProcessorCount);
builder.Services.AddSingleton(lanes);
// Stopping may take a long poll's length (it is let run, see QueueConsumer) plus the batches in progress:
// more than the host's default 30 s, less than the pod's grace period (60 s by default).
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(workerSettings.ShutdownTimeoutSeconds));
builder.Services.PostConfigure<ClassifierOptions>(model => model.IntraOpThreads = lanes.IntraOpThreads);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<WorkerMetrics>();
builder.Services.AddSingleton<IImageDecoder>(sp => new ImageDecoder(sp.GetRequiredService<IOptions<WorkerOptions>>().Value.MaxPixels));
builder.Services.AddSingleton<ImagePreparer>();
builder.Services.AddSingleton(sp => new TensorBatchPool(sp.GetRequiredService<IOptions<WorkerOptions>>().Value.MaxBatchSize));
builder.Services.AddSingleton<MessageBatcher>();
builder.Services.AddSingleton<ModelLoader>();
builder.Services.AddSingleton<ModelHost>();
builder.Services.AddSingleton<JobBatchProcessor>();
// Order matters: the host awaits ModelHost.StartAsync (loads the model) before the consumer starts.
builder.Services.AddHostedService(sp => sp.GetRequiredService<ModelHost>());
builder.Services.AddHostedService<QueueConsumer>();

builder.Services.AddImageRecObservability();
builder.Services.AddImageRecTracing(builder.Configuration, "imagerec-worker");
builder.Services.AddHealthChecks().AddCheck<ModelHost>("model", tags: [ObservabilityEndpoints.ReadyTag]);

var app = builder.Build();
app.MapImageRecObservability();
await app.RunAsync();
return 0;
