using ImageRec.Common.Configuration;
using ImageRec.Common.Index;
using ImageRec.WebTier.Storage;
using ImageRec.WebTier.Submission;
using ImageRec.WebTier.Uploads;

namespace ImageRec.WebTier;

/// <summary>The web tier's services, registered the same way by Program.cs and by the tests.</summary>
public static class WebTierServiceCollectionExtensions
{
    /// <summary>
    /// Where images live: inputs and results in S3, the index in DynamoDB, and the catalog over them. Needs the AWS
    /// clients (<c>AddImageRecAws</c>).
    /// </summary>
    public static IServiceCollection AddImageStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StorageOptions>(configuration.GetSection(StorageOptions.Section));
        services.AddImageIndex(configuration);
        services.AddSingleton<InputStore>();
        services.AddSingleton<ResultStore>();
        services.AddSingleton<ImageCatalog>();
        services.AddSingleton<IndexRebuild>();
        return services;
    }

    /// <summary>
    /// How an upload becomes a job and its answer: the submitter (and the presigned uploads straight to S3), the request and reply queues, and the background
    /// loops that keep nothing half-done (the abandoned-upload cleanup and the stalled-job sweeper). Needs
    /// <see cref="AddImageStorage"/>.
    /// </summary>
    public static IServiceCollection AddJobSubmission(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<QueueOptions>(configuration.GetSection(QueueOptions.Section));
        services.Configure<ReplyQueueOptions>(configuration.GetSection(ReplyQueueOptions.Section));
        services.Configure<SweeperOptions>(configuration.GetSection(SweeperOptions.Section));
        services.Configure<UploadOptions>(configuration.GetSection(UploadOptions.Section));
        services.AddSingleton<WebTierMetrics>();
        services.AddSingleton<RequestQueue>();
        services.AddSingleton<JobSubmitter>();
        services.AddSingleton<DirectUploads>();
        services.AddSingleton<AbandonedUploads>();
        services.AddHostedService(sp => sp.GetRequiredService<AbandonedUploads>());
        services.AddSingleton<StalledJobSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<StalledJobSweeper>());
        services.AddSingleton<ReplyQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<ReplyQueue>());
        return services;
    }
}
