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

    /// <summary>Gets a port that refuses connections for as long as the returned socket is kept.</summary>
    /// <returns>A socket bound to the port and not listening: no other process can take the port meanwhile.</returns>
    public static ClosedLoopbackPort Closed()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return new ClosedLoopbackPort(socket);
    }
}

/// <summary>A loopback port held bound without listening, so a connection to it is refused.</summary>
/// <param name="socket">The bound socket.</param>
public sealed class ClosedLoopbackPort(Socket socket) : IDisposable
{
    /// <summary>Gets the port.</summary>
    public int Port { get; } = ((IPEndPoint)socket.LocalEndPoint!).Port;

    /// <inheritdoc/>
    public void Dispose() => socket.Dispose();
}
