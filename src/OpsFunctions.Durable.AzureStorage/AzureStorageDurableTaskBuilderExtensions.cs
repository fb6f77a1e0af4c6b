using Azure.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpsFunctions.Durable;
using OpsFunctions.Durable.AzureStorage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Selects the Azure Storage store: <c>services.AddDurableTask().UseAzureStorage("UseDevelopmentStorage=true")</c>.
/// </summary>
public static class AzureStorageDurableTaskBuilderExtensions
{
    /// <summary>Stores the task hub in the storage account of a connection string.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The connection string; <c>UseDevelopmentStorage=true</c> means Azurite.</param>
    /// <param name="configure">Configures the remaining options.</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskBuilder UseAzureStorage(this IDurableTaskBuilder builder, string connectionString, Action<AzureStorageOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseAzureStorage(options =>
        {
            options.ConnectionString = connectionString;
            configure?.Invoke(options);
        });
    }

    /// <summary>Stores the task hub in a storage account reached with an identity.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="tableServiceUri">The table service.</param>
    /// <param name="queueServiceUri">The queue service.</param>
    /// <param name="blobServiceUri">The blob service.</param>
    /// <param name="credential">The identity, e.g. <c>DefaultAzureCredential</c>.</param>
    /// <param name="configure">Configures the remaining options.</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskBuilder UseAzureStorage(
        this IDurableTaskBuilder builder, Uri tableServiceUri, Uri queueServiceUri, Uri blobServiceUri, TokenCredential credential, Action<AzureStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(tableServiceUri);
        ArgumentNullException.ThrowIfNull(queueServiceUri);
        ArgumentNullException.ThrowIfNull(blobServiceUri);
        ArgumentNullException.ThrowIfNull(credential);
        return builder.UseAzureStorage(options =>
        {
            options.TableServiceUri = tableServiceUri;
            options.QueueServiceUri = queueServiceUri;
            options.BlobServiceUri = blobServiceUri;
            options.Credential = credential;
            configure?.Invoke(options);
        });
    }

    /// <summary>Stores the task hub in Azure Storage configured entirely by <paramref name="configure"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the connection and the options.</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskBuilder UseAzureStorage(this IDurableTaskBuilder builder, Action<AzureStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore(CreateStore(configure));
    }

    /// <summary>Runs the official worker on the engine, with the task hub in Azure Storage.</summary>
    /// <param name="builder">The official worker builder.</param>
    /// <param name="configure">Sets the connection (a connection string, or service URIs and a credential) and the other options.</param>
    /// <param name="engine">Configures the engine's options (task hub name, concurrency).</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskWorkerBuilder UseAzureStorage(
        this IDurableTaskWorkerBuilder builder, Action<AzureStorageOptions> configure, Action<DurableTaskOptions>? engine = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore(CreateStore(configure), engine);
    }

    /// <summary>Runs the official client on the engine, with the task hub in Azure Storage.</summary>
    /// <param name="builder">The official client builder.</param>
    /// <param name="configure">Sets the connection and the other options; the same as the worker's to reach its hub.</param>
    /// <param name="engine">Configures the engine's options (task hub name).</param>
    /// <returns>The builder.</returns>
    public static IDurableTaskClientBuilder UseAzureStorage(
        this IDurableTaskClientBuilder builder, Action<AzureStorageOptions> configure, Action<DurableTaskOptions>? engine = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore(CreateStore(configure), engine);
    }

    private static Func<IServiceProvider, AzureDurableStore> CreateStore(Action<AzureStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services =>
        {
            var options = new AzureStorageOptions();
            configure(options);
            var hubName = services.GetRequiredService<IOptions<DurableTaskOptions>>().Value.HubName;
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger<AzureDurableStore>() ?? NullLogger<AzureDurableStore>.Instance;
            return new AzureDurableStore(hubName, options, services.GetRequiredService<TimeProvider>(), logger);
        };
    }
}
