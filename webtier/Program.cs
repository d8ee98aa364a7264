using System.Text.Json.Serialization;
using ImageRec.Common.Aws;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using ImageRec.Common.Observability;
using ImageRec.WebTier;
using ImageRec.WebTier.Apis;
using ImageRec.WebTier.Auth;
using ImageRec.WebTier.Jobs;
using ImageRec.WebTier.Page;
using ImageRec.WebTier.Pool;
using ImageRec.WebTier.Uploads;

var builder = WebApplication.CreateBuilder(ServiceHostOptions.For(args));

builder.Services.AddImageRecAws(builder.Configuration);
builder.Services.Configure<QueueOptions>(builder.Configuration.GetSection(QueueOptions.Section));
builder.Services.Configure<StorageOptions>(builder.Configuration.GetSection(StorageOptions.Section));
builder.Services.Configure<UploadOptions>(builder.Configuration.GetSection(UploadOptions.Section));
builder.Services.Configure<ReplyQueueOptions>(builder.Configuration.GetSection(ReplyQueueOptions.Section));
builder.Services.Configure<SweeperOptions>(builder.Configuration.GetSection(SweeperOptions.Section));
builder.Services.Configure<CourseHarnessOptions>(builder.Configuration.GetSection(CourseHarnessOptions.Section));
builder.Services.AddImageRecAuth(builder.Configuration);

// Kestrel refuses bodies well past the image limit (multipart framing adds a little) before we read them.
var uploadLimit = builder.Configuration.GetSection(UploadOptions.Section).Get<UploadOptions>()?.MaxBytes ?? new UploadOptions().MaxBytes;
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = uploadLimit + 64 * 1024);

builder.Services.ConfigureHttpJsonOptions(json =>
{
    json.SerializerOptions.TypeInfoResolverChain.Insert(0, ContractJson.Default);
    json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
});
builder.Services.AddProblemDetails();
builder.Services.AddUploadRateLimit(builder.Configuration);
builder.Services.AddExceptionHandler<DependencyFailureHandler>();

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<WebTierMetrics>();
builder.Services.AddSingleton<UploadReader>();
builder.Services.AddSingleton<RequestQueue>();
builder.Services.AddSingleton<ResultStore>();
builder.Services.AddSingleton<ImageCatalog>();
builder.Services.AddSingleton<JobSubmitter>();
builder.Services.AddSingleton<AbandonedUploads>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<AbandonedUploads>());
builder.Services.AddSingleton<StalledJobSweeper>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<StalledJobSweeper>());
builder.Services.AddSingleton<ReplyQueue>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplyQueue>());
builder.Services.AddWebPage(builder.Configuration).AddPoolStatus(builder.Configuration);

builder.Services.AddImageRecObservability();
builder.Services.AddImageRecTracing(builder.Configuration, "imagerec-webtier");
builder.Services.AddHealthChecks().AddCheck<ReplyQueue>("reply-queue", tags: [ObservabilityEndpoints.ReadyTag]);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseImageRecAuth(); // before the rate limiter, which partitions by the signed-in user
app.UseRateLimiter();

app.MapAuthConfigApi();
app.MapImagesApi();
app.MapCourseHarnessApi();
app.MapWebPage().MapPoolApi();
app.MapImageRecObservability();

app.Run();
