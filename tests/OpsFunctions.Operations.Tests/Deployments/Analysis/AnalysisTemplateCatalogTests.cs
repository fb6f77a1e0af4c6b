using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Deployments.Analysis;

namespace OpsFunctions.Operations.Tests.Deployments.Analysis;

public sealed class AnalysisTemplateCatalogTests
{
    private static ServiceProvider CreateSut(Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        return new ServiceCollection().AddDeploymentAnalysis(configuration).BuildServiceProvider();
    }

    private static string Failure(Dictionary<string, string?> settings)
    {
        using var services = CreateSut(settings);
        return Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<DeploymentAnalysisOptions>>().Value).Message;
    }

    [Fact]
    public void Find_BuiltIns_HaveTheirThresholdsAndDefaults()
    {
        using var services = CreateSut();
        var catalog = services.GetRequiredService<AnalysisTemplateCatalog>();

        var errorRate = catalog.Find("error-rate")!;
        Assert.Equal(
            """(sum(rate(http_requests_total{{{selector}},code=~"5.."}[{{window}}])) or vector(0)) / sum(rate(http_requests_total{{{selector}}}[{{window}}]))""",
            errorRate.Query);
        Assert.Equal(("result > 0.05", (string?)null), (errorRate.FailureCondition, errorRate.SuccessCondition));
        Assert.Equal((TimeSpan.FromMinutes(1), 5, 0, 0, 4, "1m", 50.0), (errorRate.Interval, errorRate.Count!.Value, errorRate.FailureLimit, errorRate.InconclusiveLimit, errorRate.ConsecutiveErrorLimit, errorRate.Window, errorRate.MinRequests!.Value));
        Assert.Equal("sum(increase(http_requests_total{{{selector}}}[{{window}}]))", errorRate.RequestsQuery);
        Assert.Equal(
            "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{{{selector}}}[{{window}}])))",
            catalog.Find("latency-p95")!.Query);
        Assert.Equal("result > 2", catalog.Find("latency-p95")!.FailureCondition);
        Assert.Equal("result > 5", catalog.Find("LATENCY-P99")!.FailureCondition);
        var throughput = catalog.Find("throughput-drop")!;
        Assert.True(throughput.CompareWithBaseline);
        Assert.Equal("sum(rate(http_requests_total{{{selector}}}[{{window}}])) / {{share}}", throughput.Query);
        Assert.Equal(["error-rate", "latency-p95", "latency-p99", "throughput-drop"], catalog.Names);
    }

    [Fact]
    public void Find_Unknown_IsNull()
    {
        using var services = CreateSut();

        Assert.Null(services.GetRequiredService<AnalysisTemplateCatalog>().Find("nope"));
    }

    [Fact]
    public void Find_OtherMetricNames_AreUsedByTheBuiltIns()
    {
        using var services = CreateSut(new()
        {
            ["Deployments:Metrics:RequestsMetric"] = "nginx_requests_total",
            ["Deployments:Metrics:DurationMetric"] = "request_seconds",
            ["Deployments:Metrics:StatusLabel"] = "status",
        });
        var catalog = services.GetRequiredService<AnalysisTemplateCatalog>();

        Assert.Contains("nginx_requests_total{{{selector}},status=~\"5..\"}", catalog.Find("error-rate")!.Query, StringComparison.Ordinal);
        Assert.Contains("request_seconds_bucket{{{selector}}}", catalog.Find("latency-p99")!.Query, StringComparison.Ordinal);
        Assert.Equal("sum(increase(nginx_requests_total{{{selector}}}[{{window}}]))", catalog.Find("latency-p99")!.RequestsQuery);
    }

    [Fact]
    public void Find_ConfiguredOverBuiltIn_KeepsUnsetFieldsAndReplacesBothConditions()
    {
        using var services = CreateSut(new()
        {
            ["Deployments:AnalysisTemplates:error-rate:SuccessCondition"] = "result < 0.01",
            ["Deployments:AnalysisTemplates:error-rate:Interval"] = "00:02:30",
            ["Deployments:AnalysisTemplates:error-rate:FailureLimit"] = "1",
        });

        var template = services.GetRequiredService<AnalysisTemplateCatalog>().Find("error-rate")!;

        Assert.Equal(("result < 0.01", (string?)null), (template.SuccessCondition, template.FailureCondition));
        Assert.Equal((TimeSpan.FromSeconds(150), "150s", 1, 5, 50.0), (template.Interval, template.Window, template.FailureLimit, template.Count!.Value, template.MinRequests!.Value));
        Assert.StartsWith("(sum(rate(http_requests_total", template.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_Configured_AppliesDefaults()
    {
        using var services = CreateSut(new()
        {
            ["Deployments:AnalysisTemplates:queue:Query"] = "max(queue_depth{{{selector}}})",
            ["Deployments:AnalysisTemplates:queue:FailureCondition"] = "result > 100",
        });

        var template = services.GetRequiredService<AnalysisTemplateCatalog>().Find("Queue")!;

        Assert.Equal(("queue", 5, "1m", (double?)null, false), (template.Name, template.Count!.Value, template.Window, template.MinRequests, template.CompareWithBaseline));
        Assert.Contains("queue", services.GetRequiredService<AnalysisTemplateCatalog>().Names);
    }

    [Theory]
    [InlineData("Deployments:AnalysisTemplates:slow:SuccessCondition", "(result > 1))", "Deployments:AnalysisTemplates:slow:SuccessCondition: unexpected ')' at 13")]
    [InlineData("Deployments:AnalysisTemplates:slow:FailureCondition", "result >", "Deployments:AnalysisTemplates:slow:FailureCondition: unexpected end of condition at 9")]
    [InlineData("Deployments:AnalysisTemplates:slow:Interval", "00:00:00", "Deployments:AnalysisTemplates:slow:Interval must be positive")]
    [InlineData("Deployments:AnalysisTemplates:slow:Interval", "-00:01:00", "Deployments:AnalysisTemplates:slow:Interval must be positive")]
    [InlineData("Deployments:AnalysisTemplates:slow:FailureLimit", "-1", "Deployments:AnalysisTemplates:slow:FailureLimit must be zero or more")]
    [InlineData("Deployments:AnalysisTemplates:slow:InconclusiveLimit", "-1", "Deployments:AnalysisTemplates:slow:InconclusiveLimit must be zero or more")]
    [InlineData("Deployments:AnalysisTemplates:slow:ConsecutiveErrorLimit", "-2", "Deployments:AnalysisTemplates:slow:ConsecutiveErrorLimit must be zero or more")]
    [InlineData("Deployments:AnalysisTemplates:slow:Count", "0", "Deployments:AnalysisTemplates:slow:Count must be positive")]
    [InlineData("Deployments:AnalysisTemplates:slow:MinRequests", "-5", "Deployments:AnalysisTemplates:slow:MinRequests must be zero or more")]
    [InlineData("Deployments:AnalysisTemplates:slow:Window", "5 minutes", "Deployments:AnalysisTemplates:slow:Window must be a Prometheus duration such as 1m, 90s or 1h30m, not '5 minutes'")]
    [InlineData("Deployments:Metrics:StatusLabel", "status-code", "Deployments:Metrics:StatusLabel must be a Prometheus label name, not 'status-code'")]
    public void Validate_BadSetting_FailsAtStartUpNamingTheKey(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Deployments:AnalysisTemplates:slow:Query"] = "histogram_quantile(0.9, sum by (le) (rate(x_bucket{{{selector}}}[{{window}}])))",
            ["Deployments:AnalysisTemplates:slow:SuccessCondition"] = "result < 1",
        };
        settings[key] = value;

        Assert.Contains(expected, Failure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NewTemplateWithoutQueryOrCondition_FailsNamingBoth()
    {
        var message = Failure(new() { ["Deployments:AnalysisTemplates:slow:Interval"] = "00:05:00" });

        Assert.Contains("Deployments:AnalysisTemplates:slow:Query is required", message, StringComparison.Ordinal);
        Assert.Contains("Deployments:AnalysisTemplates:slow needs a SuccessCondition or a FailureCondition (or both)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BuiltInOverriddenByOneField_IsValid()
    {
        using var services = CreateSut(new() { ["Deployments:AnalysisTemplates:latency-p95:MinRequests"] = "10" });

        Assert.Equal(10, services.GetRequiredService<IOptions<DeploymentAnalysisOptions>>().Value.AnalysisTemplates["latency-p95"].MinRequests);
    }
}
