using System.Text.Json;

namespace OpsFunctions.Host.Security;

/// <summary>Keys in a file beside the embedded store, readable only by its owner.</summary>
internal sealed class FileKeyStorage(string path) : KeyStorage
{
    public override string Location => path;

    internal override StoredKeys ReadOrCreate(Func<StoredKeys> generate)
    {
        if (File.Exists(path))
        {
            return Parse(File.ReadAllBytes(path));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var generated = generate();
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, generated, Json);
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
            return Parse(File.ReadAllBytes(path));
        }
    }
}
