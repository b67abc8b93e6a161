using System.Text.Json.Nodes;

namespace NotebookNN.Kernel.Engine;

/// <summary>
/// The packages the engine was built with, read from its own <c>.deps.json</c>: <c>#r "nuget: X"</c> for one of them
/// references the engine's copies of X and of everything X depends on, with no restore. Nothing is named here: the
/// list follows the build (NotebookNN, NotebookNN.Interactive, TorchSharp, Plotly.NET, .NET Interactive's Formatting
/// and their dependencies today). A TorchSharp backend package of another flavour (e.g. TorchSharp-cuda-linux in a
/// notebook, an engine built with the CPU backend) maps onto the backend the engine carries, since one process can
/// load only one libtorch; <c>-p:TorchBackend=cuda</c> builds an engine that carries CUDA.
/// </summary>
internal sealed class BuiltInPackages
{
    private const string TorchBackendPrefix = "TorchSharp-";

    private readonly Dictionary<string, (string Version, string[] Dependencies, string[] Assemblies)> _packages;
    private readonly string _folder;

    private BuiltInPackages(string folder, Dictionary<string, (string, string[], string[])> packages)
    {
        _folder = folder;
        _packages = packages;
    }

    /// <summary>The engine's own packages (empty when it runs without a deps.json, e.g. as a single-file app).</summary>
    public static BuiltInPackages Engine { get; } = Read(AppContext.BaseDirectory, typeof(BuiltInPackages).Assembly.GetName().Name!);

    internal static BuiltInPackages Read(string folder, string application)
    {
        var packages = new Dictionary<string, (string, string[], string[])>(StringComparer.OrdinalIgnoreCase);
        var depsFile = Path.Combine(folder, application + ".deps.json");
        // A published (RID-specific) deps.json has an empty portable target and the real one for the RID: read all.
        var targets = File.Exists(depsFile) && JsonNode.Parse(File.ReadAllText(depsFile)) is { } deps && deps["targets"] is JsonObject all
            ? all.Select(t => t.Value).OfType<JsonObject>().ToList()
            : [];
        foreach (var target in targets)
        {
            foreach (var (key, node) in target)
            {
                var slash = key.IndexOf('/');
                if (slash <= 0 || node is null) continue;
                var dependencies = node["dependencies"]?.AsObject().Select(d => d.Key).ToArray() ?? [];
                var assemblies = node["runtime"]?.AsObject().Select(r => Path.GetFileName(r.Key))
                    .Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).ToArray() ?? [];
                if (packages.TryGetValue(key[..slash], out var known) && known.Item3.Length >= assemblies.Length) continue;
                packages[key[..slash]] = (key[(slash + 1)..], dependencies, assemblies);
            }
        }
        return new BuiltInPackages(folder, packages);
    }

    /// <summary>
    /// Whether the engine's copy serves <c>#r "nuget: name, version"</c>: the package is one of the engine's and the
    /// version asked for is absent, floating (<c>*</c>, <c>1.*</c>) or not above the engine's (NuGet reads a plain
    /// version as a minimum). A higher version is restored like any package.
    /// </summary>
    public bool Serves(string name, string? version)
    {
        if (VersionOf(name) is not { } own) return false;
        if (version is null || version.Contains('*', StringComparison.Ordinal)) return true;
        return Numeric(version) is { } asked && Numeric(own) is { } have && asked <= have;
    }

    private static Version? Numeric(string version)
    {
        var core = version.Split('-', '+')[0].Trim('[', '(', ' ');
        return Version.TryParse(core.Contains('.', StringComparison.Ordinal) ? core : core + ".0", out var parsed) ? parsed : null;
    }

    /// <summary>The engine's version of the package <paramref name="name"/> resolves to, or null.</summary>
    public string? VersionOf(string name) => Resolve(name) is { } resolved ? _packages[resolved].Version : null;

    /// <summary>The assemblies of <paramref name="name"/> and its dependencies that sit in the engine's folder, or
    /// null when the package is not one of the engine's.</summary>
    public IReadOnlyList<string>? Assemblies(string name)
    {
        if (Resolve(name) is not { } resolved) return null;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var files = new List<string>();
        var pending = new Stack<string>([resolved]);
        while (pending.TryPop(out var package))
        {
            if (!seen.Add(package) || !_packages.TryGetValue(package, out var entry)) continue;
            foreach (var assembly in entry.Assemblies)
            {
                var path = Path.Combine(_folder, assembly);
                if (File.Exists(path) && !files.Contains(path, StringComparer.Ordinal)) files.Add(path);
            }
            foreach (var dependency in entry.Dependencies) pending.Push(dependency);
        }
        return files;
    }

    private string? Resolve(string name)
    {
        if (_packages.ContainsKey(name)) return name;
        // Another flavour of TorchSharp's backend packages: the one the engine carries.
        if (name.StartsWith(TorchBackendPrefix, StringComparison.OrdinalIgnoreCase))
            return _packages.Keys.FirstOrDefault(k => k.StartsWith(TorchBackendPrefix, StringComparison.OrdinalIgnoreCase));
        return null;
    }
}
