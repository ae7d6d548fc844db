using Collections.Grains.Portal;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Collections.Host.Portal;

/// <summary>
/// The page's public address for the links the strategy puts in messages: <c>Collections:Portal:PublicUrl</c>, else
/// the address this process listens on when it names a host (a development machine, a test) — a wildcard binding
/// (<c>http://+:8080</c>) names none, and a deployment behind a proxy must configure the public address anyway.
/// </summary>
public sealed class ServerPortalAddress(IOptions<PortalOptions> options, IServer server) : IPortalAddress
{
    public Uri? PublicUrl => options.Value.PublicUrl ?? Listening();

    private Uri? Listening()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses
            .Select(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) ? uri : null)
            .FirstOrDefault(u => u is not null && u.Host is not ("0.0.0.0" or "[::]" or "+" or "*") && u.Port != 0);
    }
}
