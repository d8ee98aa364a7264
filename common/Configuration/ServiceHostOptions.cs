using Microsoft.AspNetCore.Builder;

namespace ImageRec.Common.Configuration;

/// <summary>
/// Each service's host reads its appsettings.json from beside its binary, wherever it is started from:
/// <c>make run</c> starts the services from the repository root, where the default content root (the
/// working directory) holds no appsettings.json; the images run them from /app, where the binaries are.
/// </summary>
public static class ServiceHostOptions
{
    public static WebApplicationOptions For(string[] args) => new() { Args = args, ContentRootPath = AppContext.BaseDirectory };
}
