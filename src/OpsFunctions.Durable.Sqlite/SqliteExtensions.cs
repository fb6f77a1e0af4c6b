using Microsoft.Data.Sqlite;
using OpsFunctions.Durable.History;
using OpsFunctions.Durable.Storage;

namespace OpsFunctions.Durable.Sqlite;

/// <summary>
/// Small helpers over Microsoft.Data.Sqlite.
/// </summary>
internal static class SqliteExtensions
{
    /// <summary>Adds a parameter; <see langword="null"/> becomes SQL NULL.</summary>
    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>Binds the head columns of an instance row, <c>@id</c> through <c>@parentInstanceId</c>.</summary>
    public static SqliteCommand WithHead(this SqliteCommand command, InstanceRecord head)
        => command
            .With("@id", head.InstanceId)
            .With("@name", head.Name)
            .With("@executionId", head.ExecutionId)
            .With("@status", (int)head.Status)
            .With("@createdAt", head.CreatedAt.UtcTicks)
            .With("@lastUpdatedAt", head.LastUpdatedAt.UtcTicks)
            .With("@input", head.Input)
            .With("@output", head.Output)
            .With("@customStatus", head.CustomStatus)
            .With("@failure", head.Failure is { } failure ? HistorySerializer.Serialize(failure) : null)
            .With("@parentInstanceId", head.ParentInstanceId)
            .With("@tags", HistorySerializer.SerializeTags(head.Tags));

    /// <summary>Reads a nullable text column.</summary>
    public static string? GetStringOrNull(this SqliteDataReader reader, int ordinal)
        => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Runs a statement outside the command cache.</summary>
    public static void Execute(this SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Runs a query for one value outside the command cache.</summary>
    public static object? Scalar(this SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
