namespace OpsFunctions.Durable.Sqlite;

/// <summary>
/// Settings of <see cref="SqliteDurableStore"/>.
/// </summary>
public sealed class SqliteStoreOptions
{
    /// <summary>Gets or sets the connection string; its data source is the database file, one file per task hub.</summary>
    /// <value>Empty unless set; required.</value>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets a value indicating whether every commit is flushed to disk before it returns
    /// (<c>PRAGMA synchronous=FULL</c>). Otherwise (<c>NORMAL</c>) commits survive a crash of the process
    /// but the last ones may be lost if the machine loses power.
    /// </summary>
    /// <value><see langword="false"/> unless set.</value>
    public bool DurableCommits { get; set; }
}
