using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpsFunctions.Host.Hosting;

namespace OpsFunctions.Host.Security;

/// <summary>
/// The host's secrets: the function key (webhooks under <c>/api/</c>), the admin key (management API) and the
/// approval signing key. Configured values win; the rest are generated on first start and stored with the task hub.
/// </summary>
public sealed class HostKeys
{
    public const string FunctionKeyName = "Keys:Function";
    public const string AdminKeyName = "Keys:Admin";
    public const string SigningKeyName = "Approvals:SigningKey";

    public HostKeys(string functionKey, string adminKey, string signingKey, string? storedIn)
    {
        FunctionKey = functionKey;
        AdminKey = adminKey;
        SigningKey = signingKey;
        StoredIn = storedIn;
    }

    public string FunctionKey { get; }

    public string AdminKey { get; }

    public string SigningKey { get; }

    /// <summary>Gets the file generated keys are kept in, or <see langword="null"/> when every key is configured.</summary>
    public string? StoredIn { get; }

    /// <summary>Compares a presented key with an expected one in constant time.</summary>
    public static bool Matches(string? presented, string expected)
        => presented is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    public static HostKeys Load(IConfiguration configuration, HostPaths paths)
    {
        var function = configuration[FunctionKeyName];
        var admin = configuration[AdminKeyName];
        var signing = configuration[SigningKeyName];
        if (!string.IsNullOrEmpty(function) && !string.IsNullOrEmpty(admin) && !string.IsNullOrEmpty(signing))
        {
            return new HostKeys(function, admin, signing, null);
        }

        var stored = ReadOrCreate(paths.KeysFile);
        return new HostKeys(
            string.IsNullOrEmpty(function) ? stored.Function : function,
            string.IsNullOrEmpty(admin) ? stored.Admin : admin,
            string.IsNullOrEmpty(signing) ? stored.SigningKey : signing,
            paths.KeysFile);
    }

    private static StoredKeys ReadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return Read(path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var generated = new StoredKeys(NewKey(), NewKey(), NewKey());
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, generated, KeysJson);
        }

        try
        {
            // Hosts starting together on one hub: the first move wins and everyone reads its keys.
            File.Move(temporary, path, overwrite: false);
            return generated;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return Read(path);
        }
    }

    private static StoredKeys Read(string path)
        => JsonSerializer.Deserialize<StoredKeys>(File.ReadAllText(path), KeysJson)
            is { Function.Length: > 0, Admin.Length: > 0, SigningKey.Length: > 0 } keys
            ? keys
            : throw new InvalidOperationException($"The keys file '{path}' is incomplete; delete it to generate new keys, or set {FunctionKeyName}, {AdminKeyName} and {SigningKeyName}.");

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static readonly JsonSerializerOptions KeysJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private sealed record StoredKeys(string Function, string Admin, string SigningKey);
}
