using OpsFunctions.Integrations.Traffic;

namespace OpsFunctions.Integrations.Tests.Traffic;

public sealed class NginxUpstreamTests
{
    [Fact]
    public void Render_NinetyFiveFive_WritesBothWeights()
    {
        var text = NginxUpstream.Render("checkout", [new("127.0.0.1:8001", 95), new("127.0.0.1:8002", 5)]);

        Assert.Equal(
            """
            # written by OpsFunctions; changes are overwritten
            upstream checkout {
                server 127.0.0.1:8001 weight=95;
                server 127.0.0.1:8002 weight=5;
            }

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Render_HundredZero_WritesTheZeroWeightServerDown()
    {
        var text = NginxUpstream.Render("checkout", [new("127.0.0.1:8001", 100), new("127.0.0.1:8002", 0)]);

        Assert.Contains("    server 127.0.0.1:8001 weight=100;\n", text, StringComparison.Ordinal);
        Assert.Contains("    server 127.0.0.1:8002 down;\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("weight=0", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Drained_WritesItDownKeepingItsWeight()
    {
        var text = NginxUpstream.Render("web", [new("10.0.0.1:80", 50), new("10.0.0.2:80", 50, Drained: true)]);

        Assert.Contains("    server 10.0.0.1:80 weight=50;\n", text, StringComparison.Ordinal);
        Assert.Contains("    server 10.0.0.2:80 weight=50 down;\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_Backends_ShowsSharesDownAndDrained()
    {
        var text = NginxUpstream.Describe([new("a:1", 80), new("b:1", 0), new("c:1", 20, Drained: true)]);

        Assert.Equal("a:1 80 %, b:1 down, c:1 drained", text);
    }
}
