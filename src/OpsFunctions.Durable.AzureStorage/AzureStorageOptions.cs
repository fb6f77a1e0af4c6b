using System.ComponentModel.DataAnnotations;
using Azure.Core;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// Settings of the Azure Storage store. Set either <see cref="ConnectionString"/>, or the three service URIs with a <see cref="Credential"/>.
/// </summary>
public sealed class AzureStorageOptions
{
    /// <summary>Gets or sets the storage connection string; <c>UseDevelopmentStorage=true</c> means Azurite on its default ports.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the table service URI, for identity-based connections.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Gets or sets the queue service URI, for identity-based connections.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>Gets or sets the blob service URI, for identity-based connections.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>Gets or sets the credential of identity-based connections.</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>Gets or sets how many control queues carry orchestration messages; instances are spread over them by a hash of their id.</summary>
    /// <value>4 unless set (<c>extensions:durableTask:storageProvider:partitionCount</c> in <c>host.json</c>).</value>
    [Range(1, 16)]
    public int PartitionCount { get; set; } = AzureStorageConstants.DefaultPartitionCount;

    /// <summary>
    /// Gets or sets how long before its due time a delayed message (a timer) is taken into memory, so it fires on time
    /// however slowly the queue is polled.
    /// </summary>
    /// <value>5 seconds unless set. A store judged by a fake clock needs a horizon longer than any delay its tests use:
    /// the queue's own visibility runs on real time.</value>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan TimerPrefetch { get; set; } = AzureStorageConstants.DefaultTimerPrefetch;

    /// <summary>Gets or sets the longest visibility delay given to a queue message; later messages are re-queued when it passes.</summary>
    /// <value>7 days unless set, the limit of Azure Queues.</value>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaxVisibilityDelay { get; set; } = AzureStorageConstants.MaxVisibilityDelay;

    /// <summary>
    /// Gets or sets whether messages this host sends to its own queues are held for its own workers at once, skipping the
    /// queue's receive. Only a process whose worker asks for work holds them: one that only starts and steers instances
    /// sends everything visible to the hosts that run them.
    /// </summary>
    /// <value><see langword="true"/> unless set.</value>
    public bool LocalDispatch { get; set; } = true;

    /// <summary>Gets or sets how many activities this host keeps for its own workers when it schedules them itself.</summary>
    /// <value>100 unless set; beyond it activities go to the shared queue, where any host takes them.</value>
    [Range(0, 10_000)]
    public int LocalActivityCapacity { get; set; } = AzureStorageConstants.DefaultLocalActivityCapacity;

    /// <summary>Gets or sets the longest wait between two polls of an idle queue; polling speeds up to a few milliseconds under load.</summary>
    /// <value>1 second unless set.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MaxPollingInterval { get; set; } = AzureStorageConstants.DefaultMaxPollingInterval;

    /// <summary>Gets or sets how long start-up waits for the storage account to answer before it fails.</summary>
    /// <value>30 seconds unless set.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StartupTimeout { get; set; } = AzureStorageConstants.DefaultStartupTimeout;

    /// <summary>
    /// Gets or sets how often a host that runs orchestrations looks for instances whose creator died between writing
    /// them and sending their start, and sends it. Each look is one query that the table service evaluates over the
    /// whole table, history rows included, so keep it well above the polling interval.
    /// </summary>
    /// <value>5 minutes unless set: a creator dying in the moment between its write and its send is rare, and a client that sees no answer usually creates again, which sends the start at once.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan AbandonedStartSweepInterval { get; set; } = AzureStorageConstants.DefaultAbandonedStartSweepInterval;
}

/// <summary>
/// The defaults and limits of <see cref="AzureStorageOptions"/>.
/// </summary>
public static class AzureStorageConstants
{
    /// <summary>The default number of control queues.</summary>
    public const int DefaultPartitionCount = 4;

    /// <summary>The default number of activities a host keeps for itself.</summary>
    public const int DefaultLocalActivityCapacity = 100;

    /// <summary>Queue messages larger than this many bytes go to a blob (Azure Queues take 64 KiB).</summary>
    public const int MaxQueueMessageBytes = 45 * 1024;

    /// <summary>Table string properties longer than this many characters go to a blob (Azure Tables take 32 K).</summary>
    public const int MaxPropertyChars = 30 * 1024;

    /// <summary>The default timer prefetch horizon.</summary>
    public static readonly TimeSpan DefaultTimerPrefetch = TimeSpan.FromSeconds(5);

    /// <summary>The visibility limit of Azure Queues.</summary>
    public static readonly TimeSpan MaxVisibilityDelay = TimeSpan.FromDays(7);

    /// <summary>The default longest idle poll interval.</summary>
    public static readonly TimeSpan DefaultMaxPollingInterval = TimeSpan.FromSeconds(1);

    /// <summary>The default start-up timeout.</summary>
    public static readonly TimeSpan DefaultStartupTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default interval of the sweep for instances whose start was never sent.</summary>
    public static readonly TimeSpan DefaultAbandonedStartSweepInterval = TimeSpan.FromMinutes(5);
}
