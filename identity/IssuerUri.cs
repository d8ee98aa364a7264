using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ImageRec.LocalIdentity;

/// <summary>
/// The issuer identifier (OpenID Connect Discovery §3): the configured one, or the address the provider
/// listens on, which a test that asked for port 0 only knows once the server has started.
/// </summary>
public sealed class IssuerUri(IOptions<LocalIdentityOptions> options, IServer server)
{
    public string Value =>
        (options.Value.Issuer is { Length: > 0 } configured ? configured
            : server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
              ?? throw new InvalidOperationException("The provider is not listening yet, so its issuer is unknown."))
        .TrimEnd('/');

    public string Endpoint(string path) => Value + path;
}
