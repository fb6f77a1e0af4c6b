using System.Text.RegularExpressions;
using Azure.Data.Tables;

namespace OpsFunctions.Operations.Storage;

/// <summary>
/// Where the features keep their read models (records, timelines, reports that a dashboard and reports query): Azure
/// Tables in the task hub's storage account, or SQLite files beside the embedded store. A host registers one; each
/// feature names its own table (<see cref="TableName"/>) or file (<see cref="SqliteFile"/>) from it.
/// </summary>
public sealed partial class RecordStorage
{
    private RecordStorage(TableServiceClient? tables, string? directory, string hubName)
    {
        Tables = tables;
        Directory = directory;
        HubName = hubName;
    }

    /// <summary>Gets the storage account's tables, or <see langword="null"/> on SQLite.</summary>
    public TableServiceClient? Tables { get; }

    /// <summary>Gets the directory of the SQLite files, or <see langword="null"/> on Azure Tables.</summary>
    public string? Directory { get; }

    /// <summary>Gets the task hub whose records these are: it prefixes every table and file.</summary>
    public string HubName { get; }

    public static RecordStorage InTables(TableServiceClient tables, string hubName)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentException.ThrowIfNullOrEmpty(hubName);
        return new(tables, null, hubName);
    }

    public static RecordStorage InDirectory(string directory, string hubName)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(hubName);
        return new(null, Path.GetFullPath(directory), hubName);
    }

    /// <summary>Gets a feature's table: <c>&lt;hub&gt;&lt;feature&gt;</c>, e.g. <c>opsIncidents</c>.</summary>
    /// <exception cref="ArgumentException">The name breaks Azure Tables' rules; the message says which and why.</exception>
    public string TableName(string feature)
    {
        var name = HubName + feature;
        return TableNamePattern().IsMatch(name)
            ? name
            : throw new ArgumentException(
                $"Task hub name '{HubName}' gives table name '{name}', which Azure Tables refuse: table names are 3 to 63 letters and digits, starting with a letter.",
                nameof(feature));
    }

    /// <summary>Gets a feature's SQLite file: <c>&lt;directory&gt;/&lt;hub&gt;.&lt;feature&gt;.db</c>.</summary>
    /// <exception cref="InvalidOperationException">The records are in Azure Tables.</exception>
    public string SqliteFile(string feature)
        => Path.Combine(Directory ?? throw new InvalidOperationException("The records are kept in Azure Tables, not in SQLite files."), $"{HubName}.{feature}.db");

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();
}
