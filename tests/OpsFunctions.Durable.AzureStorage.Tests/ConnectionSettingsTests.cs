using Microsoft.Extensions.Configuration;
using OpsFunctions.Durable.AzureStorage;

namespace OpsFunctions.Durable.AzureStorage.Tests;

public sealed class ConnectionSettingsTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Apply_ConnectionString_SetsIt()
    {
        var options = new AzureStorageOptions();

        AzureStorageConnection.Apply(options, Configuration(("AzureWebJobsStorage", "UseDevelopmentStorage=true")));

        Assert.Equal("UseDevelopmentStorage=true", options.ConnectionString);
        Assert.Null(options.Credential);
    }

    [Fact]
    public void Apply_AccountName_DerivesServiceUrisWithACredential()
    {
        var options = new AzureStorageOptions();

        AzureStorageConnection.Apply(options, Configuration(("AzureWebJobsStorage:accountName", "opsprod")));

        Assert.Equal(new Uri("https://opsprod.table.core.windows.net"), options.TableServiceUri);
        Assert.Equal(new Uri("https://opsprod.queue.core.windows.net"), options.QueueServiceUri);
        Assert.Equal(new Uri("https://opsprod.blob.core.windows.net"), options.BlobServiceUri);
        Assert.NotNull(options.Credential);
    }

    [Fact]
    public void Apply_ExplicitServiceUris_TakePrecedence()
    {
        var options = new AzureStorageOptions();

        AzureStorageConnection.Apply(options, Configuration(
            ("AzureWebJobsStorage:accountName", "opsprod"),
            ("AzureWebJobsStorage:queueServiceUri", "https://queues.example.net")));

        Assert.Equal(new Uri("https://queues.example.net"), options.QueueServiceUri);
        Assert.Equal(new Uri("https://opsprod.table.core.windows.net"), options.TableServiceUri);
    }

    [Theory]
    [InlineData("AzureWebJobsStorage", "not a connection string", "Setting 'AzureWebJobsStorage' is not a storage connection string")]
    [InlineData("AzureWebJobsStorage:accountName", "Ops_Prod", "Setting 'AzureWebJobsStorage__accountName' is not a storage account name")]
    [InlineData("AzureWebJobsStorage:tableServiceUri", "tables", "Setting 'AzureWebJobsStorage__tableServiceUri' is not an absolute http(s) URI")]
    [InlineData("AzureWebJobsStorage:clientId", "only-a-client-id", "Setting 'AzureWebJobsStorage' is missing")]
    public void Apply_MalformedSetting_FailsNamingTheSetting(string key, string value, string expected)
    {
        var exception = Assert.Throws<InvalidOperationException>(
            () => AzureStorageConnection.Apply(new AzureStorageOptions(), Configuration((key, value))));

        Assert.StartsWith(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsConfigured_NothingSet_IsFalse()
    {
        Assert.False(AzureStorageConnection.IsConfigured(Configuration(("Other", "x"))));
        Assert.True(AzureStorageConnection.IsConfigured(Configuration(("AzureWebJobsStorage:accountName", "opsprod"))));
    }

    [Fact]
    public void Create_MalformedConnectionString_FailsWithoutEchoingIt()
    {
        var options = new AzureStorageOptions { ConnectionString = "AccountName=ops;AccountKey=c2VjcmV0LWtleQ==;Nonsense" };

        var exception = Assert.Throws<ArgumentException>(() => StorageClients.Create(options));

        Assert.Contains("connection string is not valid", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ops", "opsInstances", "ops-control-00", "ops-workitems")]
    [InlineData("IncidentHub2", "IncidentHub2Instances", "incidenthub2-control-00", "incidenthub2-workitems")]
    public void TaskHubNames_ValidHub_DerivesAzureNames(string hub, string table, string firstControlQueue, string workItems)
    {
        var names = TaskHubNames.For(hub, partitionCount: 4);

        Assert.Equal(table, names.InstancesTable);
        Assert.Equal(firstControlQueue, names.ControlQueues[0]);
        Assert.Equal(4, names.ControlQueues.Count);
        Assert.Equal(workItems, names.WorkItemQueue);
    }

    [Theory]
    [InlineData("averyveryveryveryverylongtaskhubnamethatbreakstheazurelimit")]
    [InlineData("ops_hub")]
    [InlineData("9ops")]
    public void TaskHubNames_InvalidHub_ExplainsTheRule(string hub)
    {
        var exception = Assert.Throws<ArgumentException>(() => TaskHubNames.For(hub, partitionCount: 4));

        Assert.Contains($"'{hub}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("refuse", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PartitionOf_SameId_IsStableAndInRange()
    {
        var partitions = Enumerable.Range(0, 1000).Select(i => AzureDurableStore.PartitionOf($"incident-{i}", 4)).ToArray();

        Assert.All(partitions, p => Assert.InRange(p, 0, 3));
        Assert.Equal(4, partitions.Distinct().Count());
        Assert.Equal(AzureDurableStore.PartitionOf("incident-7", 4), partitions[7]);
    }

    [Fact]
    public void KeyEncoder_ForbiddenCharacters_AreEscapedAndPrefixesKept()
    {
        Assert.Equal("plain:id-1", KeyEncoder.Encode("plain:id-1"));
        Assert.Equal("a%2Fb%23c%3Fd%5Ce%25", KeyEncoder.Encode("a/b#c?d\\e%"));
        Assert.StartsWith(KeyEncoder.Encode("a/b"), KeyEncoder.Encode("a/b/c"), StringComparison.Ordinal);
    }
}
