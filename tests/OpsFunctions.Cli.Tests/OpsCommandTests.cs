using System.Net;
using System.Net.Sockets;

namespace OpsFunctions.Cli.Tests;

/// <summary>What ops says when it cannot do its job, without a host.</summary>
public sealed class OpsCommandTests
{
    [Fact]
    public async Task List_HostNotListening_SaysItCannotReachItAndExits3()
    {
        var url = $"http://127.0.0.1:{UnusedPort()}";

        var (exitCode, output) = await CliRun.RunAsync(new Dictionary<string, string> { ["OPS_URL"] = url }, "list");

        Assert.Equal(ExitCodes.Unreachable, exitCode);
        Assert.Contains($"Cannot reach the host at {url}/", output, StringComparison.Ordinal);
        Assert.Contains("OPS_URL", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InputNotJson_NamesTheOptionAndExits2()
    {
        var (exitCode, output) = await CliRun.RunAsync(new Dictionary<string, string>(), "start", "SampleWorkflow", "--input", "{nope");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--input is not valid JSON", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_UrlNotHttp_SaysSoAndExits2()
    {
        var (exitCode, output) = await CliRun.RunAsync(new Dictionary<string, string>(), "list", "--url", "ftp://example");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("is not an http(s) address", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_MissingId_ReportsTheMissingArgument()
    {
        var (exitCode, output) = await CliRun.RunAsync(new Dictionary<string, string>(), "show");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Required argument 'id' missing", output, StringComparison.Ordinal);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
