using System.Net;
using System.Net.Sockets;

namespace Collections.Testing;

/// <summary>Free loopback ports for the processes and listeners a test starts.</summary>
public static class Ports
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A TCP port nothing listens on right now. Chosen below Linux's ephemeral range (32768–60999), where
    /// outgoing connections take their local ports, so that a port handed out here is not taken by a
    /// connection before the process that was given it binds it; never the same port twice in a run.
    /// </summary>
    public static int Free()
    {
        lock (HandedOut)
        {
            while (true)
            {
                var port = Random.Shared.Next(20_000, 32_000);
                if (!HandedOut.Add(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // In use: try another.
                }
            }
        }
    }
}
