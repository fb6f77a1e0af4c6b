using System.Globalization;
using OpsFunctions.Integrations.Traffic;

namespace OpsFunctions.Testing.Traffic;

/// <summary>
/// A real nginx on a free loopback port, started through <c>scripts/nginx.sh</c> (which installs it when missing),
/// proxying <c>/</c> to an upstream whose block lives in its own file, <see cref="UpstreamFile"/>: the file the
/// nginx traffic provider rewrites. <see cref="TestCommand"/> and <see cref="ReloadCommand"/> address this nginx,
/// for <see cref="NginxTrafficOptions"/> (<see cref="Settings"/> gives them as configuration).
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    private NginxProcess(string prefix, int port, string upstream)
    {
        Prefix = prefix;
        Port = port;
        Upstream = upstream;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        UpstreamFile = Path.Combine(prefix, "upstreams", $"{upstream}.conf");
        var executable = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        string[] target = ["-p", prefix + "/", "-c", Path.Combine(prefix, "nginx.conf"), "-e", ErrorLogFile];
        TestCommand = new TrafficCommand { FileName = executable, Arguments = ["-t", "-q", .. target] };
        ReloadCommand = new TrafficCommand { FileName = executable, Arguments = ["-s", "reload", .. target] };
    }

    /// <summary>Gets the folder nginx runs from: its configuration, pid, logs and temporary files.</summary>
    public string Prefix { get; }

    public int Port { get; }

    /// <summary>Gets nginx's address, <c>http://127.0.0.1:port/</c>, which proxies to <see cref="Upstream"/>.</summary>
    public Uri BaseAddress { get; }

    public string Upstream { get; }

    /// <summary>Gets the file holding the upstream block, included by nginx's configuration.</summary>
    public string UpstreamFile { get; }

    public string ErrorLogFile => Path.Combine(Prefix, "error.log");

    /// <summary>Gets <c>nginx -t</c> for this nginx.</summary>
    public TrafficCommand TestCommand { get; }

    /// <summary>Gets <c>nginx -s reload</c> for this nginx.</summary>
    public TrafficCommand ReloadCommand { get; }

    /// <summary>Starts nginx with <paramref name="initial"/> as the upstream's servers (nginx needs the upstream to exist).</summary>
    /// <param name="upstream">The upstream's name, e.g. checkout.</param>
    /// <param name="initial">Its backends until a test changes them.</param>
    /// <returns>The running nginx.</returns>
    public static async Task<NginxProcess> StartAsync(string upstream, IReadOnlyList<TrafficBackend> initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        var port = LoopbackPort.Free();
        var prefix = Directory.CreateTempSubdirectory("opsfunctions-nginx-").FullName;
        var nginx = new NginxProcess(prefix, port, upstream);
        Directory.CreateDirectory(Path.Combine(prefix, "conf.d"));
        Directory.CreateDirectory(Path.GetDirectoryName(nginx.UpstreamFile)!);
        await File.WriteAllTextAsync(nginx.UpstreamFile, NginxUpstream.Render(upstream, initial));
        await File.WriteAllTextAsync(Path.Combine(prefix, "conf.d", "site.conf"), nginx.Site());
        try
        {
            await ProjectScripts.RunAsync("nginx.sh", "start", prefix, port.ToString(CultureInfo.InvariantCulture));
        }
        catch
        {
            Directory.Delete(prefix, recursive: true);
            throw;
        }

        return nginx;
    }

    /// <summary>Gets the configuration entries that point <see cref="NginxTrafficOptions"/> at this nginx.</summary>
    public Dictionary<string, string?> Settings(TimeSpan? timeout = null)
    {
        var settings = new Dictionary<string, string?>();
        Add("TestCommand", TestCommand);
        Add("ReloadCommand", ReloadCommand);
        if (timeout is { } value)
        {
            settings[$"{NginxTrafficOptions.Section}:Timeout"] = value.ToString("c", CultureInfo.InvariantCulture);
        }

        return settings;

        void Add(string name, TrafficCommand command)
        {
            settings[$"{NginxTrafficOptions.Section}:{name}:FileName"] = command.FileName;
            for (var i = 0; i < command.Arguments.Count; i++)
            {
                settings[$"{NginxTrafficOptions.Section}:{name}:Arguments:{i}"] = command.Arguments[i];
            }
        }
    }

    /// <summary>Gets the process ids of nginx's current worker processes (the master's children).</summary>
    /// <remarks>Linux only: read from /proc.</remarks>
    public IReadOnlySet<int> Workers()
    {
        var master = int.Parse(File.ReadAllText(Path.Combine(Prefix, "nginx.pid")).Trim(), CultureInfo.InvariantCulture);
        var workers = new HashSet<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // It exited meanwhile.
            }

            // pid (comm) state ppid …; comm may hold spaces and parentheses, so read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1], CultureInfo.InvariantCulture) == master)
            {
                workers.Add(pid);
            }
        }

        return workers;
    }

    /// <summary>
    /// Waits until every worker of <paramref name="before"/> has exited and new ones serve: nginx reloads after
    /// <c>nginx -s reload</c> returns, and until then its old workers still route with the old weights.
    /// </summary>
    /// <param name="before">The workers before the reload, from <see cref="Workers"/>.</param>
    public Task WaitForReloadAsync(IReadOnlySet<int> before) => Eventually.HappensAsync(
        () =>
        {
            var now = Workers();
            return now.Count > 0 && !now.Overlaps(before);
        },
        $"nginx in {Prefix} replaced its workers after a reload");

    /// <summary>Gets the end of nginx's error log, for a failing test's message.</summary>
    public string ErrorLogTail(int lines = 20) =>
        File.Exists(ErrorLogFile) ? string.Join('\n', File.ReadAllLines(ErrorLogFile).TakeLast(lines)) : "(no error log)";

    public async ValueTask DisposeAsync()
    {
        await ProjectScripts.RunAsync("nginx.sh", "stop", Prefix);
        Directory.Delete(Prefix, recursive: true);
    }

    private string Site() => $$"""
        include {{UpstreamFile}};
        server {
            listen 127.0.0.1:{{Port}};
            location / {
                proxy_pass http://{{Upstream}};
                # A request goes to the one server the weights chose, even when it fails, so counts are exact.
                proxy_next_upstream off;
            }
        }

        """;
}
