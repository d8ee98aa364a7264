using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ImageRec.Tests.Infrastructure;

/// <summary>A real Kestrel server on a free loopback port, for endpoints tested over real HTTP.</summary>
public sealed class LoopbackApp : IAsyncDisposable
{
    private LoopbackApp(WebApplication app, Uri address) => (App, Address) = (app, address);

    public WebApplication App { get; }

    /// <summary>The server's base address, ending in a slash.</summary>
    public Uri Address { get; }

    public static async Task<LoopbackApp> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var port = FreePorts.One();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LoopbackApp(app, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
