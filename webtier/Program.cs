using System.Text.Json.Serialization;
using ImageRec.Common.Aws;
using ImageRec.Common.Configuration;
using ImageRec.Common.Contracts;
using ImageRec.Common.Observability;
using ImageRec.WebTier;
using ImageRec.WebTier.Apis;
using ImageRec.WebTier.Auth;
using ImageRec.WebTier.Storage;
using ImageRec.WebTier.Submission;
using ImageRec.WebTier.Page;
using ImageRec.WebTier.Pool;
using ImageRec.WebTier.Uploads;

// `imagerec-webtier reindex [--Index:TableName=...]` rebuilds the image index from S3 and exits (IndexRebuild).
var reindex = args is ["reindex", ..];
if (reindex) args = args[1..];

var builder = WebApplication.CreateBuilder(ServiceHostOptions.For(args));

builder.Services.AddImageRecAws(builder.Configuration);
builder.Services.AddImageStorage(builder.Configuration).AddJobSubmission(builder.Configuration);
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
builder.Services.AddSingleton<UploadReader>();
builder.Services.AddWebPage(builder.Configuration).AddPoolStatus(builder.Configuration);

builder.Services.AddImageRecObservability();
builder.Services.AddImageRecTracing(builder.Configuration, "imagerec-webtier");
builder.Services.AddHealthChecks().AddCheck<ReplyQueue>("reply-queue", tags: [ObservabilityEndpoints.ReadyTag]);

var app = builder.Build();
if (reindex)
{
    var summary = await app.Services.GetRequiredService<IndexRebuild>().RunAsync(app.Lifetime.ApplicationStopping);
    Console.WriteLine($"reindexed images={summary.Images} queued={summary.Queued} finished={summary.Finished}");
    return;
}
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseImageRecAuth(); // before the rate limiter, which partitions by the signed-in user
app.UseRateLimiter();

app.MapAuthConfigApi();
app.MapImagesApi();
app.MapUploadsApi();
app.MapCourseHarnessApi();
app.MapWebPage().MapPoolApi();
app.MapImageRecObservability();

app.Run();
