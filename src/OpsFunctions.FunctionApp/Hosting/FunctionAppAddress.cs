using Microsoft.Extensions.Configuration;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.FunctionApp.Hosting;

/// <summary>
/// Where the app is reached, for links made outside any request: <c>https://{WEBSITE_HOSTNAME}/</c> on Azure (the
/// platform sets it), <c>http://localhost:7071/</c> under <c>func start</c>. <c>Approvals:PublicUrl</c> takes precedence.
/// </summary>
public sealed class FunctionAppAddress(IConfiguration configuration) : IHostAddress
{
    public const string HostNameSetting = "WEBSITE_HOSTNAME";

    public Uri BaseAddress
    {
        get
        {
            var host = configuration[HostNameSetting];
            if (string.IsNullOrWhiteSpace(host))
            {
                return new Uri("http://localhost:7071/");
            }

            // Core Tools sets it to localhost:<port> locally, which speaks plain HTTP.
            var scheme = host.StartsWith("localhost", StringComparison.OrdinalIgnoreCase) ? "http" : "https";
            return new Uri($"{scheme}://{host}/");
        }
    }
}
