using System.Net;
using System.Net.Sockets;

namespace Collections.Grains.Feed;

/// <summary>
/// Which hosts a webhook may call. Outside Development a URL whose host is (or resolves to) a loopback,
/// link-local, private, unique-local, unspecified or multicast address is refused, so a subscriber cannot
/// make the cluster call its own network; the same check runs again on every connection (a name may
/// resolve differently later).
/// </summary>
public static class WebhookTargets
{
    /// <summary>Why the URL may not be called from here, or null when it may.</summary>
    public static async Task<string?> RefusalAsync(Uri url, bool allowPrivate, CancellationToken cancellationToken)
    {
        if (allowPrivate)
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(url.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(url.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return $"the host '{url.Host}' does not resolve";
        }

        return addresses.Length == 0 ? $"the host '{url.Host}' does not resolve"
            : addresses.FirstOrDefault(a => !IsPublic(a)) is { } inner ? $"the host '{url.Host}' is a loopback, link-local or private address ({inner}); webhooks go to public hosts"
            : null;
    }

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 0 // this network
                 || b[0] == 10
                 || (b[0] == 100 && b[1] is >= 64 and < 128) // carrier-grade NAT
                 || (b[0] == 169 && b[1] == 254) // link-local (cloud metadata)
                 || (b[0] == 172 && b[1] is >= 16 and < 32)
                 || (b[0] == 192 && b[1] == 168)
                 || b[0] >= 224); // multicast and reserved
    }

    /// <summary>
    /// A connection that refuses non-public addresses when <paramref name="allowPrivate"/> is false: it
    /// connects to the first public address the host resolves to, so DNS cannot point a webhook inside.
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect(bool allowPrivate) =>
        async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var allowed = addresses.Where(a => allowPrivate || IsPublic(a)).ToArray();
            if (allowed.Length == 0)
            {
                throw new HttpRequestException($"Webhook host {host} resolves to no public address.");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
