using System.Globalization;

namespace OpsFunctions.Durable.Sqlite;

/// <summary>
/// The multi-row history insert statements, one text per row count so each stays a cached prepared statement.
/// </summary>
public sealed partial class SqliteDurableStore
{
    private const int HistoryRowsPerInsert = 32;

    private static readonly string[] HistoryInsertTexts = [.. Enumerable.Range(0, HistoryRowsPerInsert + 1).Select(BuildHistoryInsert)];

    private static string HistoryInsertSql(int rows) => HistoryInsertTexts[rows];

    private static string BuildHistoryInsert(int rows)
        => "INSERT INTO History (InstanceId, Sequence, Event) VALUES "
            + string.Join(", ", Enumerable.Range(0, rows).Select(i => $"(@id, {ParameterNames.Sequence[i]}, {ParameterNames.Event[i]})"));

    private static class ParameterNames
    {
        public static readonly string[] Sequence = [.. Enumerable.Range(0, HistoryRowsPerInsert).Select(i => string.Create(CultureInfo.InvariantCulture, $"@s{i}"))];

        public static readonly string[] Event = [.. Enumerable.Range(0, HistoryRowsPerInsert).Select(i => string.Create(CultureInfo.InvariantCulture, $"@e{i}"))];
    }
}
