using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using NotebookNN.Extensibility;

namespace NotebookNN.Kernel.Engine;

// #r and #i: references to assemblies and packages, and the extensions they bring.
public sealed partial class NotebookEngine
{
    public const string DirectiveErrorName = "DirectiveError";

    private readonly List<string> _packageSources = [];
    private readonly Dictionary<string, PackageRequest> _requestedPackages = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Func<IReadOnlyList<ReferencedPackage>, IMagicContext, Task>> _packageHandlers = [];

    private static ErrorOutput DirectiveError(string message) => new(DirectiveErrorName, message, [message]);

    private async Task<bool> RunReferencesAsync(IReadOnlyList<CellItem> group, CellRun run)
    {
        var packages = new List<PackageRequest>();
        foreach (var item in group)
        {
            switch (item)
            {
                case SourceItem source:
                    if (!AddPackageSource(source.Argument, run)) return false;
                    break;
                case ReferenceItem reference when PackageRequest.IsNuGet(reference.Argument):
                    try
                    {
                        packages.Add(PackageRequest.Parse(reference.Argument));
                    }
                    catch (FormatException e)
                    {
                        return run.Fail(DirectiveError(e.Message));
                    }
                    break;
                case ReferenceItem reference:
                    if (!ReferenceAssemblyFile(reference.Argument, run)) return false;
                    break;
            }
        }
        return packages.Count == 0 || await ReferencePackagesAsync(packages, run).ConfigureAwait(true);
    }

    private bool AddPackageSource(string argument, CellRun run)
    {
        if (!PackageRequest.IsNuGet(argument))
            return run.Fail(DirectiveError($"#i \"{argument}\": only package sources are supported; write #i \"nuget: https://feed/index.json\" or #i \"nuget: /local/folder\"."));
        var source = argument[PackageRequest.Prefix.Length..].Trim();
        if (source.Length == 0)
            return run.Fail(DirectiveError("#i \"nuget:\" needs a source after the colon: a feed URL or a local folder."));
        var isUrl = Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        if (!isUrl)
        {
            var folder = Path.GetFullPath(Path.Combine(_workingDirectory, source));
            if (!Directory.Exists(folder))
                return run.Fail(DirectiveError($"#i \"{argument}\": the folder '{folder}' does not exist (relative folders are resolved against {_workingDirectory})."));
            source = folder;
        }
        if (!_packageSources.Contains(source, StringComparer.Ordinal)) _packageSources.Add(source);
        return true;
    }

    private bool ReferenceAssemblyFile(string argument, CellRun run)
    {
        if (argument.Length == 0)
            return run.Fail(DirectiveError("#r needs a path: #r \"path/to/Library.dll\" or #r \"nuget: Name, Version\"."));
        var path = PathInNotebookFolder(argument);
        if (!File.Exists(path))
            return run.Fail(DirectiveError($"#r \"{argument}\": the file '{path}' does not exist (relative paths are resolved against {_workingDirectory})."));
        if (!AssemblyReferences.IsManagedAssembly(path))
            return run.Fail(DirectiveError($"#r \"{argument}\": '{path}' is not a .NET assembly."));
        // Its neighbours (its dependencies) become resolvable by name.
        AssemblyReferences.AddProbingPaths(Directory.EnumerateFiles(Path.GetDirectoryName(path)!, "*.dll"));
        return AddAssemblyReference(path, run);
    }

    private async Task<bool> ReferencePackagesAsync(IReadOnlyList<PackageRequest> packages, CellRun run)
    {
        var installed = new List<string>();
        var referenced = new List<ReferencedPackage>();
        var toRestore = new List<PackageRequest>();
        foreach (var package in packages)
        {
            if (BuiltInPackages.Engine.Serves(package.Name, package.Version) && BuiltInPackages.Engine.Assemblies(package.Name) is { } builtIn)
            {
                // The package and its dependencies, as a restore would reference them; the engine's copies.
                AssemblyReferences.AddProbingPaths(builtIn);
                foreach (var path in builtIn.Where(path => !AssemblyReferences.IsFrameworkAssembly(Path.GetFileNameWithoutExtension(path))))
                    if (!AddAssemblyReference(path, run)) return false;
                installed.Add($"{package.Name}, {BuiltInPackages.Engine.VersionOf(package.Name)} (from the engine)");
                referenced.Add(new ReferencedPackage(package.Name, BuiltInPackages.Engine.VersionOf(package.Name) ?? "", null));
            }
            else
            {
                toRestore.Add(package);
            }
        }

        if (toRestore.Count > 0)
        {
            foreach (var package in toRestore) _requestedPackages[package.Name] = package;
            RestoredPackages restored;
            try
            {
                restored = await _nuget.RestoreAsync(_requestedPackages.Values.ToList(), _packageSources, CancellationToken.None).ConfigureAwait(true);
            }
            catch (NuGetRestoreException e)
            {
                foreach (var package in toRestore) _requestedPackages.Remove(package.Name);
                return run.Fail(DirectiveError(e.Message));
            }
            var assemblies = restored.Assemblies
                .Where(path => !AssemblyReferences.IsFrameworkAssembly(Path.GetFileNameWithoutExtension(path)))
                .ToList();
            AssemblyReferences.AddProbingPaths(assemblies);
            AssemblyReferences.AddNativeLibraries(restored.NativeLibraries);
            foreach (var path in assemblies)
                if (!AddAssemblyReference(path, run)) return false;
            foreach (var package in toRestore)
                installed.Add(restored.Versions.TryGetValue(package.Name, out var version) ? $"{package.Name}, {version}" : package.ToString());
            referenced.AddRange(restored.Versions.Select(v => new ReferencedPackage(v.Key, v.Value, restored.Folders.GetValueOrDefault(v.Key))));
        }

        run.Channel.Write(new DisplayOutput(InstalledPackagesBundle(installed), null));
        return await NotifyPackagesReferencedAsync(referenced, run).ConfigureAwait(true);
    }

    /// <inheritdoc />
    public void OnPackagesReferenced(Func<IReadOnlyList<ReferencedPackage>, IMagicContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_packageHandlers) _packageHandlers.Add(handler);
    }

    private async Task<bool> NotifyPackagesReferencedAsync(IReadOnlyList<ReferencedPackage> packages, CellRun run)
    {
        List<Func<IReadOnlyList<ReferencedPackage>, IMagicContext, Task>> handlers;
        lock (_packageHandlers) handlers = [.. _packageHandlers];
        foreach (var handler in handlers)
        {
            try
            {
                await handler(packages, new MagicContext(this, run)).ConfigureAwait(true);
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException { InnerException: { } cause } ? cause : e;
                return run.Fail(DirectiveError($"Loading what the packages bring failed: {inner.GetType().Name}: {inner.Message}"));
            }
        }
        return true;
    }

    private static MimeBundle InstalledPackagesBundle(IReadOnlyList<string> packages)
    {
        var plain = new StringBuilder("Installed Packages");
        var html = new StringBuilder("<div><strong>Installed Packages</strong><ul>");
        foreach (var package in packages)
        {
            plain.Append("\n  - ").Append(package);
            html.Append("<li><span>").Append(HtmlText.Escape(package)).Append("</span></li>");
        }
        html.Append("</ul></div>");
        return MimeBundleBuilder.FromText(plain.ToString(), html.ToString());
    }

    /// <summary>Loads an assembly, makes it visible to later cells, and loads the extensions it carries.</summary>
    private bool AddAssemblyReference(string path, CellRun run)
    {
        Assembly assembly;
        try
        {
            assembly = AssemblyReferences.Load(path);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            return run.Fail(DirectiveError($"#r: cannot load '{path}': {e.Message}"));
        }
        var name = assembly.GetName().Name!;
        if (_referencedAssemblyNames.Add(name))
            Volatile.Write(ref _scriptOptions, _scriptOptions.AddReferences(AssemblyReferences.MetadataFor(assembly)));
        return LoadExtensions(assembly, run);
    }

    private bool LoadExtensions(Assembly assembly, CellRun run)
    {
        foreach (var type in ExtensionTypes(assembly))
        {
            if (!_loadedExtensions.Add(type)) continue;
            try
            {
                ((INotebookExtension)Activator.CreateInstance(type)!).Load(this);
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException { InnerException: { } cause } ? cause : e;
                return run.Fail(DirectiveError($"The extension {type.FullName} in {assembly.GetName().Name} failed to load: {inner.GetType().Name}: {inner.Message}"));
            }
        }
        return true;
    }

    private readonly List<string> _extensionImports = [];
    private readonly List<Func<string, IMagicContext, IDisposable?>> _cellHandlers = [];

    /// <inheritdoc />
    public void AddSessionDefaults(IReadOnlyList<string> assemblyPaths, IReadOnlyList<string> usings)
    {
        ArgumentNullException.ThrowIfNull(assemblyPaths);
        ArgumentNullException.ThrowIfNull(usings);
        if (_initialState is not null)
            throw new InvalidOperationException("Session defaults can only be added by a startup extension, before the first cell; add a using or #r in a cell instead.");
        foreach (var import in usings)
        {
            var name = import.StartsWith("static ", StringComparison.Ordinal) ? import["static ".Length..] : import;
            if (!name.Split('.').All(SyntaxFacts.IsValidIdentifier))
                throw new ArgumentException($"'{import}' is not a using directive's target: write a namespace (A.B) or 'static A.B.Type'.", nameof(usings));
        }
        // Referenced for compiling only: an assembly loads when a cell first uses it, so unused defaults cost nothing.
        AssemblyReferences.AddProbingPaths(assemblyPaths);
        foreach (var path in assemblyPaths)
            if (_referencedAssemblyNames.Add(AssemblyName.GetAssemblyName(path).Name!))
                _scriptOptions = _scriptOptions.AddReferences(AssemblyReferences.MetadataFor(path));
        _extensionImports.AddRange(usings);
    }

    /// <inheritdoc />
    public void OnCellRunning(Func<string, IMagicContext, IDisposable?> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_cellHandlers) _cellHandlers.Add(handler);
    }

    private List<IDisposable>? StartCellScopes(CellRun run)
    {
        Func<string, IMagicContext, IDisposable?>[] handlers;
        lock (_cellHandlers)
        {
            if (_cellHandlers.Count == 0) return null;
            handlers = [.. _cellHandlers];
        }
        var scopes = new List<IDisposable>();
        foreach (var handler in handlers)
        {
            try
            {
                if (handler(run.Code, new MagicContext(this, run)) is { } scope) scopes.Add(scope);
            }
            catch (Exception e)
            {
                // An extension's failure is reported, not fatal: the cell still runs.
                run.Channel.WriteStream("stderr", $"nnb: an extension's cell hook failed: {e.GetType().Name}: {e.Message}\n");
            }
        }
        return scopes;
    }

    private static void EndCellScopes(List<IDisposable>? scopes, CellRun run)
    {
        if (scopes is null) return;
        for (var i = scopes.Count - 1; i >= 0; i--)
        {
            try
            {
                scopes[i].Dispose();
            }
            catch (Exception e)
            {
                run.Channel.WriteStream("stderr", $"nnb: an extension's cell hook failed at the end of the cell: {e.GetType().Name}: {e.Message}\n");
            }
        }
    }

    /// <summary>Loads the startup extensions (compatibility layers beside nnb); one that fails is reported on stderr
    /// and left out, so the engine still starts.</summary>
    private void LoadStartupExtensions()
    {
        foreach (var name in _settings.StartupExtensions ?? EngineOptions.DeclaredStartupExtensions())
        {
            var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            if (!File.Exists(path)) continue;
            try
            {
                foreach (var type in ExtensionTypes(AssemblyReferences.Load(path)))
                    if (_loadedExtensions.Add(type))
                        ((INotebookExtension)Activator.CreateInstance(type)!).Load(this);
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException { InnerException: { } cause } ? cause : e;
                Console.Error.WriteLine($"nnb: the startup extension {name} failed to load and is left out: {inner.GetType().Name}: {inner.Message}");
            }
        }
    }

    /// <summary>The extension types of an assembly that references the contract (others are not scanned).</summary>
    private static IEnumerable<Type> ExtensionTypes(Assembly assembly)
    {
        var contract = typeof(INotebookExtension).Assembly;
        return assembly != contract && assembly.GetReferencedAssemblies().All(a => a.Name != contract.GetName().Name)
            ? []
            : Extensibility.ExtensionTypes.In<INotebookExtension>(assembly);
    }
}
