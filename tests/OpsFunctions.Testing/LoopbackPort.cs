using System.Net;
using System.Net.Sockets;

namespace OpsFunctions.Testing;

/// <summary>Free loopback ports for the real components tests start on their own port.</summary>
public static class LoopbackPort
{
    /// <summary>Gets a port nothing listened on when asked; another process may take it before the caller binds it.</summary>
    /// <returns>The port.</returns>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
