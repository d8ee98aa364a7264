using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Common.Index;

public static class ImageIndexServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ImageIndex"/> with its options from the <c>Index</c> section. Needs the DynamoDB client of
    /// <see cref="Aws.AwsServiceCollectionExtensions.AddImageRecAws"/>.
    /// </summary>
    public static IServiceCollection AddImageIndex(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImageIndexOptions>().Bind(configuration.GetSection(ImageIndexOptions.Section));
        services.AddSingleton<ImageIndex>();
        return services;
    }
}
