using Azure;
using Azure.Data.Tables;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// The head row of an instance as the store sees it: the engine's record plus the commit bookkeeping.
/// </summary>
/// <param name="Record">Gets the engine's view; its version is the incarnation and the commit sequence, which only episodes change.</param>
/// <param name="Incarnation">Gets the id of this creation of the instance; messages stamped with another are stale.</param>
/// <param name="HistoryCount">Gets how many history rows belong to the current execution; rows past it are ignored.</param>
/// <param name="Outbox">Gets the messages of the last episode while they may be unsent.</param>
/// <param name="OutboxBy">Gets the host that committed <paramref name="Outbox"/>.</param>
/// <param name="OutboxAt">Gets when <paramref name="Outbox"/> was committed.</param>
internal sealed record InstanceHead(
    InstanceRecord Record, string Incarnation, int HistoryCount, Outbox? Outbox, string? OutboxBy, DateTimeOffset? OutboxAt)
{
    public const string RowKey = "head";

    /// <summary>Gets the row's ETag: every write changes it, clearing a sent outbox included, so the engine is shown <see cref="Sequence"/> instead.</summary>
    public string ETag { get; init; } = string.Empty;

    /// <summary>Gets how many times the head was written by a create or a commit.</summary>
    public long Sequence { get; init; } = 1;

    /// <summary>
    /// Gets when a create's start is due: its scheduled time, or the create's. Until then a start missing from the
    /// queues has delayed nothing, so the sweep for abandoned starts leaves the head alone.
    /// </summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>Formats the version the engine sees.</summary>
    public static string FormatVersion(string incarnation, long sequence) => $"{incarnation}.{sequence}";

    public bool IsEnded => Record.Status.HasEnded();

    /// <summary>Builds the row, moving payloads over the property limit to blobs.</summary>
    public async Task<TableEntity> ToEntityAsync(PayloadStore payloads, CancellationToken cancellationToken)
    {
        var record = Record;
        var entity = new TableEntity(KeyEncoder.Encode(record.InstanceId), RowKey)
        {
            ["Id"] = record.InstanceId,
            ["Name"] = record.Name,
            ["ExecutionId"] = record.ExecutionId,
            ["Status"] = (int)record.Status,
            ["CreatedAt"] = record.CreatedAt,
            ["LastUpdatedAt"] = record.LastUpdatedAt,
            ["ParentInstanceId"] = record.ParentInstanceId,
            ["Tags"] = HistorySerializer.SerializeTags(record.Tags),
            ["HistoryCount"] = HistoryCount,
            ["Sequence"] = Sequence,
            ["Incarnation"] = Incarnation,
            ["OutboxBy"] = OutboxBy,
            ["OutboxAt"] = OutboxAt,
            ["StartAt"] = StartAt,
        };
        await SetLargeAsync(entity, "Input", record.Input, payloads, record.InstanceId, cancellationToken).ConfigureAwait(false);
        await SetLargeAsync(entity, "Output", record.Output, payloads, record.InstanceId, cancellationToken).ConfigureAwait(false);
        await SetLargeAsync(entity, "CustomStatus", record.CustomStatus, payloads, record.InstanceId, cancellationToken).ConfigureAwait(false);
        await SetLargeAsync(entity, "Failure", record.Failure is { } failure ? HistorySerializer.Serialize(failure) : null, payloads, record.InstanceId, cancellationToken).ConfigureAwait(false);
        await SetLargeAsync(entity, "Outbox", Outbox?.Serialize(), payloads, record.InstanceId, cancellationToken).ConfigureAwait(false);
        return entity;
    }

    /// <summary>Reads a row; payloads (and the outbox) come from blobs when they were moved there.</summary>
    public static async Task<InstanceHead> FromEntityAsync(TableEntity entity, bool includePayloads, PayloadStore payloads, CancellationToken cancellationToken)
    {
        var instanceId = entity.GetString("Id");
        var failure = await GetLargeAsync(entity, "Failure", payloads, cancellationToken).ConfigureAwait(false);
        var record = new InstanceRecord(instanceId, entity.GetString("Name"))
        {
            ExecutionId = entity.GetString("ExecutionId"),
            Status = (OrchestrationRuntimeStatus)(entity.GetInt32("Status") ?? 0),
            CreatedAt = entity.GetDateTimeOffset("CreatedAt") ?? default,
            LastUpdatedAt = entity.GetDateTimeOffset("LastUpdatedAt") ?? default,
            ParentInstanceId = entity.GetString("ParentInstanceId"),
            Tags = HistorySerializer.DeserializeTags(entity.GetString("Tags")),
            Failure = failure is null ? null : HistorySerializer.DeserializeFailure(failure),
            Input = includePayloads ? await GetLargeAsync(entity, "Input", payloads, cancellationToken).ConfigureAwait(false) : null,
            Output = includePayloads ? await GetLargeAsync(entity, "Output", payloads, cancellationToken).ConfigureAwait(false) : null,
            CustomStatus = includePayloads ? await GetLargeAsync(entity, "CustomStatus", payloads, cancellationToken).ConfigureAwait(false) : null,
        };
        var incarnation = entity.GetString("Incarnation") ?? string.Empty;
        var sequence = entity.GetInt64("Sequence") ?? 1;
        var outbox = await GetLargeAsync(entity, "Outbox", payloads, cancellationToken).ConfigureAwait(false);
        return new InstanceHead(
            record with { Version = FormatVersion(incarnation, sequence) },
            incarnation,
            entity.GetInt32("HistoryCount") ?? 0,
            outbox is null ? null : Outbox.Deserialize(outbox),
            entity.GetString("OutboxBy"),
            entity.GetDateTimeOffset("OutboxAt"))
        {
            ETag = entity.ETag.ToString(),
            Sequence = sequence,
            StartAt = entity.GetDateTimeOffset("StartAt"),
        };
    }

    /// <summary>Gets the same head with a new ETag, after a write.</summary>
    public InstanceHead WithETag(ETag etag) => this with { ETag = etag.ToString() };

    private static async Task SetLargeAsync(TableEntity entity, string name, string? value, PayloadStore payloads, string instanceId, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length <= AzureStorageConstants.MaxPropertyChars)
        {
            entity[name] = value;
            return;
        }

        entity[name + "Blob"] = await payloads.UploadAsync(instanceId, value, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string?> GetLargeAsync(TableEntity entity, string name, PayloadStore payloads, CancellationToken cancellationToken)
    {
        if (entity.GetString(name) is { } value)
        {
            return value;
        }

        return entity.GetString(name + "Blob") is { } blob
            ? await payloads.DownloadAsync(blob, cancellationToken).ConfigureAwait(false)
            : null;
    }
}
