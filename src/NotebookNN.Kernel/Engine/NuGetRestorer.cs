using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace NotebookNN.Kernel.Engine;

/// <summary>A package asked for by <c>#r "nuget: Name[, Version]"</c>; no version means the latest stable one.</summary>
internal sealed record PackageRequest(string Name, string? Version)
{
    public const string Prefix = "nuget:";

    public static bool IsNuGet(string argument) => argument.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses the text of <c>#r "nuget: Name, Version"</c> (with or without the prefix).</summary>
    public static PackageRequest Parse(string argument)
    {
        var text = IsNuGet(argument) ? argument[Prefix.Length..] : argument;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2 || parts[0].Length == 0 || parts[0].Any(char.IsWhiteSpace))
            throw new FormatException($"'#r \"{argument}\"' is not a package reference; write #r \"nuget: Name\" or #r \"nuget: Name, Version\".");
        var version = parts.Length == 2 && parts[1].Length > 0 ? parts[1] : null;
        if (version is not null && version.Any(char.IsWhiteSpace))
            throw new FormatException($"The version in '#r \"{argument}\"' must not contain spaces.");
        return new PackageRequest(parts[0], version);
    }

    public override string ToString() => Version is null ? Name : $"{Name}, {Version}";
}

/// <summary>What a restore made available: packages with their resolved versions and the files to load.</summary>
internal sealed record RestoredPackages(
    IReadOnlyDictionary<string, string> Versions,
    IReadOnlyDictionary<string, string> Folders,
    IReadOnlyList<string> Assemblies,
    IReadOnlyList<string> NativeLibraries);

/// <summary>A restore that failed; the message carries NuGet's own errors.</summary>
internal sealed class NuGetRestoreException(string message) : Exception(message);

/// <summary>
/// Restores NuGet packages for <c>#r "nuget: ..."</c> the way an SDK project does: a generated project (one folder
/// per package set and source list, under the cache directory), <c>dotnet restore</c>, and the runtime assets read
/// from <c>obj/project.assets.json</c>. A folder whose restore succeeded before is reused without running
/// <c>dotnet</c>. The engine's own packages never go through here: see <see cref="BuiltInPackages"/>.
/// </summary>
internal sealed class NuGetRestorer(EngineOptions options)
{
    private const string CompleteMarker = "restore.complete";

    private static readonly SemaphoreSlim OneRestoreAtATime = new(1, 1);

    private string CacheDirectory { get; } = options.NuGetCacheDirectory ?? EngineOptions.DefaultNuGetCacheDirectory();

    public async Task<RestoredPackages> RestoreAsync(IReadOnlyCollection<PackageRequest> packages, IReadOnlyList<string> sources, CancellationToken cancellationToken)
    {
        try
        {
            return await RestoreOnceAsync(packages, sources, cancellationToken).ConfigureAwait(true);
        }
        catch (NuGetRestoreException e) when (e.Message.Contains("NU1103", StringComparison.Ordinal) && packages.Any(p => p.Version is null))
        {
            // NU1103: a package given without a version has only prerelease versions. .NET Interactive takes the
            // newest prerelease then, so a second restore floats those packages over prereleases too.
            var floating = packages.Select(p => p.Version is null ? p with { Version = "*-*" } : p).ToList();
            return await RestoreOnceAsync(floating, sources, cancellationToken).ConfigureAwait(true);
        }
    }

    private async Task<RestoredPackages> RestoreOnceAsync(IReadOnlyCollection<PackageRequest> packages, IReadOnlyList<string> sources, CancellationToken cancellationToken)
    {
        var framework = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        var project = ProjectText(packages, sources, framework);
        var folder = Path.Combine(CacheDirectory, Hash(project));
        var assetsFile = Path.Combine(folder, "obj", "project.assets.json");

        await OneRestoreAtATime.WaitAsync(cancellationToken).ConfigureAwait(true);
        try
        {
            if (!File.Exists(Path.Combine(folder, CompleteMarker)) || !File.Exists(assetsFile))
                await RunRestoreAsync(folder, project, cancellationToken).ConfigureAwait(true);
        }
        finally
        {
            OneRestoreAtATime.Release();
        }
        return ReadAssets(assetsFile, framework);
    }

    private static string ProjectText(IEnumerable<PackageRequest> packages, IReadOnlyList<string> sources, string framework)
    {
        var text = new StringBuilder();
        text.AppendLine("<Project Sdk=\"Microsoft.NET.Sdk\">");
        text.AppendLine("  <PropertyGroup>");
        text.AppendLine($"    <TargetFramework>{framework}</TargetFramework>");
        text.AppendLine("    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>");
        text.AppendLine("    <ImplicitUsings>disable</ImplicitUsings>");
        text.AppendLine("    <NuGetAudit>false</NuGetAudit>");
        if (sources.Count > 0)
            text.AppendLine($"    <RestoreAdditionalProjectSources>{Escape(string.Join(';', sources))}</RestoreAdditionalProjectSources>");
        text.AppendLine("  </PropertyGroup>");
        text.AppendLine("  <ItemGroup>");
        foreach (var package in packages.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
            text.AppendLine($"    <PackageReference Include=\"{Escape(package.Name)}\" Version=\"{Escape(package.Version ?? "*")}\" />");
        text.AppendLine("  </ItemGroup>");
        text.AppendLine("</Project>");
        return text.ToString();
    }

    private static string Escape(string text) => System.Security.SecurityElement.Escape(text);

    private static string Hash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..20];

    private async Task RunRestoreAsync(string folder, string project, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        File.Delete(Path.Combine(folder, CompleteMarker));
        // Empty MSBuild files stop MSBuild from picking up a Directory.Build.* or central package file above the cache.
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(folder, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(folder, "Directory.Packages.props"), "<Project />\n");
        var projectPath = Path.Combine(folder, "notebook-packages.csproj");
        File.WriteAllText(projectPath, project);

        var start = new ProcessStartInfo(DotNetPath())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var argument in new[] { "restore", projectPath, "--nologo", "-v", "q" })
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";

        using var process = Process.Start(start)
            ?? throw new NuGetRestoreException($"Could not start '{start.FileName}' to restore packages; install the .NET SDK or set DOTNET_HOST_PATH.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.RestoreTimeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(true);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new NuGetRestoreException($"Restoring packages took longer than {options.RestoreTimeout.TotalSeconds:0} s and was stopped.");
        }
        var output = await stdout.ConfigureAwait(true) + await stderr.ConfigureAwait(true);
        if (process.ExitCode != 0)
        {
            var errors = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(line => line.Contains("error", StringComparison.OrdinalIgnoreCase))
                .Select(line => line.Replace(projectPath, "", StringComparison.Ordinal).Trim(' ', ':'))
                .Distinct()
                .ToList();
            throw new NuGetRestoreException("NuGet restore failed:\n" + string.Join('\n', errors.Count > 0 ? errors : [output.Trim()]));
        }
        File.WriteAllText(Path.Combine(folder, CompleteMarker), DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    private string DotNetPath() =>
        options.DotNetPath
        ?? (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet");

    /// <summary>Runtime assemblies and native libraries for this machine from a restore's assets file.</summary>
    internal static RestoredPackages ReadAssets(string assetsFile, string framework)
    {
        var root = JsonNode.Parse(File.ReadAllText(assetsFile))
            ?? throw new NuGetRestoreException($"The restore result {assetsFile} is empty.");
        var packageFolders = root["packageFolders"]?.AsObject().Select(p => p.Key).ToList() ?? [];
        var libraries = root["libraries"]?.AsObject()
            ?? throw new NuGetRestoreException($"The restore result {assetsFile} lists no libraries.");
        var target = root["targets"]?.AsObject().FirstOrDefault(t => t.Key == framework || t.Key.StartsWith(framework + "/", StringComparison.Ordinal)).Value?.AsObject()
            ?? throw new NuGetRestoreException($"The restore result {assetsFile} has no target for {framework}.");
        var ridChain = RuntimeIdentifierChain();

        var versions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var folders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var assemblies = new List<string>();
        var natives = new List<string>();
        foreach (var (key, node) in target)
        {
            if (node?["type"]?.GetValue<string>() != "package") continue;
            var slash = key.IndexOf('/');
            versions[key[..slash]] = key[(slash + 1)..];
            var relative = libraries[key]?["path"]?.GetValue<string>() ?? key.ToLowerInvariant();
            var folder = packageFolders.Select(f => Path.Combine(f, relative)).FirstOrDefault(Directory.Exists);
            if (folder is null) continue;
            folders[key[..slash]] = folder;

            var runtime = AssetPaths(node["runtime"]);
            var native = AssetPaths(node["native"]);
            var byRid = node["runtimeTargets"]?.AsObject()
                .Select(t => (Path: t.Key, Type: t.Value?["assetType"]?.GetValue<string>(), Rid: t.Value?["rid"]?.GetValue<string>()))
                .ToList() ?? [];
            runtime = BestForRid(byRid, "runtime", ridChain) ?? runtime;
            native = BestForRid(byRid, "native", ridChain) ?? native;
            assemblies.AddRange(runtime.Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Select(p => Path.Combine(folder, p)));
            natives.AddRange(native.Select(p => Path.Combine(folder, p)));
        }
        return new RestoredPackages(versions, folders, assemblies.Where(File.Exists).ToList(), natives.Where(File.Exists).ToList());
    }

    private static List<string> AssetPaths(JsonNode? assets) =>
        assets?.AsObject().Select(a => a.Key).Where(p => !p.EndsWith("/_._", StringComparison.Ordinal)).ToList() ?? [];

    private static List<string>? BestForRid(List<(string Path, string? Type, string? Rid)> assets, string type, IReadOnlyList<string> ridChain)
    {
        foreach (var rid in ridChain)
        {
            var matching = assets.Where(a => a.Type == type && a.Rid == rid).Select(a => a.Path).ToList();
            if (matching.Count > 0) return matching;
        }
        return null;
    }

    /// <summary>This machine's runtime identifier and the more general ones it falls back to (linux-x64, linux, unix).</summary>
    internal static IReadOnlyList<string> RuntimeIdentifierChain()
    {
        var architecture = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        if (OperatingSystem.IsWindows()) return [$"win-{architecture}", "win", "any"];
        if (OperatingSystem.IsMacOS()) return [$"osx-{architecture}", "osx", "unix", "any"];
        return [$"linux-{architecture}", "linux", "unix", "any"];
    }
}
