using System.Xml.Linq;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace NotebookNN.Kernel.Engine;

/// <summary>
/// XML documentation for the shared framework's assemblies, for quick info (Jupyter's inspect). The runtime's own
/// assemblies ship without XML files; the SDK's reference pack beside it has them, by reference-assembly name.
/// Types implemented in System.Private.CoreLib are documented in System.Runtime.xml and System.Collections.xml.
/// Without an SDK (a runtime-only machine) there is simply no documentation.
/// </summary>
internal static class FrameworkDocumentation
{
    private static readonly Lazy<string?> ReferenceDirectory = new(FindReferenceDirectory);

    public static DocumentationProvider? For(string assemblyPath)
    {
        if (ReferenceDirectory.Value is not { } directory) return null;
        var name = Path.GetFileNameWithoutExtension(assemblyPath);
        string[] files = name == "System.Private.CoreLib" ? ["System.Runtime.xml", "System.Collections.xml"] : [name + ".xml"];
        var paths = files.Select(file => Path.Combine(directory, file)).Where(File.Exists).ToList();
        return paths.Count switch
        {
            0 => null,
            1 => XmlDocumentationProvider.CreateFromFile(paths[0]),
            _ => new MergedXmlDocumentation(paths),
        };
    }

    private static string? FindReferenceDirectory()
    {
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var packs = Path.GetFullPath(Path.Combine(framework, "..", "..", "..", "packs", "Microsoft.NETCore.App.Ref"));
        if (!Directory.Exists(packs)) return null;
        var moniker = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        var exact = Path.Combine(packs, RuntimeEnvironmentVersion(), "ref", moniker);
        if (Directory.Exists(exact)) return exact;
        return Directory.EnumerateDirectories(packs)
            .Select(version => Path.Combine(version, "ref", moniker))
            .Where(Directory.Exists)
            .OrderByDescending(path => path, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static string RuntimeEnvironmentVersion() =>
        RuntimeInformation.FrameworkDescription.Split(' ').LastOrDefault() ?? Environment.Version.ToString();

    /// <summary>Several documentation files read as one (merged on first use, which is the first quick info
    /// that needs them).</summary>
    private sealed class MergedXmlDocumentation(IReadOnlyList<string> paths) : XmlDocumentationProvider
    {
        public IReadOnlyList<string> Paths { get; } = paths;

        protected override Stream GetSourceStream(CancellationToken cancellationToken)
        {
            var merged = XDocument.Load(Paths[0]);
            var members = merged.Root?.Element("members")
                ?? throw new InvalidDataException($"{Paths[0]} is not an XML documentation file (no <members>).");
            foreach (var path in Paths.Skip(1))
                members.Add(XDocument.Load(path).Root?.Element("members")?.Elements() ?? []);
            var stream = new MemoryStream();
            merged.Save(stream);
            stream.Position = 0;
            return stream;
        }

        public override bool Equals(object? obj) => obj is MergedXmlDocumentation other && Paths.SequenceEqual(other.Paths);

        public override int GetHashCode() => Paths.Aggregate(17, (hash, path) => hash * 31 + StringComparer.Ordinal.GetHashCode(path));
    }
}
