using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.Host.Hosting;

/// <summary>
/// The address the host listens on, for links made outside any request: a wildcard host (0.0.0.0, [::], +, *) reads
/// as localhost. <c>Approvals:PublicUrl</c>, when set, takes precedence where links are made.
/// </summary>
public sealed class ServerAddress(IServer server) : IHostAddress
{
    public Uri BaseAddress
    {
        get
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:7071";
            foreach (var wildcard in (string[])["://0.0.0.0", "://[::]", "://+", "://*"])
            {
                address = address.Replace(wildcard, "://localhost", StringComparison.Ordinal);
            }

            return new Uri(address.EndsWith('/') ? address : address + "/");
        }
    }
}
