using System.Text.RegularExpressions;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// The tables, queues and containers of one task hub, named after the hub.
/// </summary>
internal sealed partial class TaskHubNames
{
    private TaskHubNames(string hubName, int partitionCount)
    {
        var lower = hubName.ToLowerInvariant();
        InstancesTable = hubName + "Instances";
        ControlQueues = Enumerable.Range(0, partitionCount).Select(i => $"{lower}-control-{i:D2}").ToArray();
        WorkItemQueue = lower + "-workitems";
        PoisonQueue = lower + "-poison";
        PayloadContainer = lower + "-payloads";
    }

    /// <summary>Gets the table of instance heads and history, one partition per instance.</summary>
    public string InstancesTable { get; }

    /// <summary>Gets the control queues, one per partition.</summary>
    public IReadOnlyList<string> ControlQueues { get; }

    /// <summary>Gets the activity queue.</summary>
    public string WorkItemQueue { get; }

    /// <summary>Gets the queue that keeps messages no worker could read.</summary>
    public string PoisonQueue { get; }

    /// <summary>Gets the container of payloads too large for a queue message or a table property.</summary>
    public string PayloadContainer { get; }

    /// <summary>Derives and validates the names.</summary>
    /// <exception cref="ArgumentException">A derived name breaks Azure Storage naming rules; the message says which and why.</exception>
    public static TaskHubNames For(string hubName, int partitionCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(hubName);
        var names = new TaskHubNames(hubName, partitionCount);
        if (!TableName().IsMatch(names.InstancesTable))
        {
            throw new ArgumentException(
                $"Task hub name '{hubName}' gives table name '{names.InstancesTable}', which Azure Tables refuse: table names are 3 to 63 letters and digits, starting with a letter.",
                nameof(hubName));
        }

        foreach (var name in names.ControlQueues.Append(names.WorkItemQueue).Append(names.PoisonQueue).Append(names.PayloadContainer))
        {
            if (!QueueOrContainerName().IsMatch(name) || name.Contains("--", StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"Task hub name '{hubName}' gives queue or container name '{name}', which Azure Storage refuses: names are 3 to 63 lowercase letters, digits and single hyphens, starting with a letter or digit.",
                    nameof(hubName));
            }
        }

        return names;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex QueueOrContainerName();
}
