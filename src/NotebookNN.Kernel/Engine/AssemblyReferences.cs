using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;

namespace NotebookNN.Kernel.Engine;

/// <summary>
/// Assemblies referenced by cells (<c>#r</c>), loaded into the default load context so that the engine, extensions
/// and submissions all see one copy of each assembly (a formatter registered for a type must match the values of
/// that type). Dependencies of referenced assemblies, and native libraries of restored packages, are resolved by
/// simple name from the files the engine was told about. The resolution tables are process-wide because the
/// default load context is.
/// </summary>
internal static class AssemblyReferences
{
    private static readonly ConcurrentDictionary<string, string> ManagedPaths = new(StringComparer.OrdinalIgnoreCase);
    private static readonly ConcurrentDictionary<string, string> NativePaths = new(StringComparer.Ordinal);
    private static readonly object InstallGate = new();
    private static bool _installed;

    private static void Install()
    {
        lock (InstallGate)
        {
            if (_installed) return;
            AssemblyLoadContext.Default.Resolving += (context, name) =>
                name.Name is { } simple && ManagedPaths.TryGetValue(simple, out var path) ? context.LoadFromAssemblyPath(path) : null;
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, libraryName) =>
                NativePaths.TryGetValue(NativeKey(libraryName), out var path) ? NativeLibrary.Load(path) : IntPtr.Zero;
            _installed = true;
        }
    }

    /// <summary>Makes <paramref name="assemblyPaths"/> resolvable by name without loading them yet.</summary>
    public static void AddProbingPaths(IEnumerable<string> assemblyPaths)
    {
        Install();
        foreach (var path in assemblyPaths)
            ManagedPaths.TryAdd(Path.GetFileNameWithoutExtension(path), path);
    }

    /// <summary>Makes native libraries findable by <c>DllImport</c> names (<c>libfoo.so</c>, <c>foo</c>).</summary>
    public static void AddNativeLibraries(IEnumerable<string> libraryPaths)
    {
        Install();
        foreach (var path in libraryPaths)
            NativePaths.TryAdd(NativeKey(Path.GetFileName(path)), path);
    }

    /// <summary>Loads the assembly at <paramref name="path"/>, or returns the already loaded assembly of that name.</summary>
    public static Assembly Load(string path)
    {
        Install();
        var name = AssemblyName.GetAssemblyName(path);
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => !a.IsDynamic && string.Equals(a.GetName().Name, name.Name, StringComparison.OrdinalIgnoreCase));
        if (loaded is not null) return loaded;
        ManagedPaths.TryAdd(name.Name!, path);
        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyName(name);
        }
        catch (FileLoadException)
        {
            // The engine itself carries this assembly in another version (its deps.json, e.g. Microsoft.Bcl.AsyncInterfaces
            // 10.0 while a package asks for 9.0.4), and the default context holds one copy per name: use the engine's,
            // as .NET Interactive does, rather than fail the whole #r.
            try
            {
                return AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(name.Name!));
            }
            catch (Exception e) when (e is FileLoadException or FileNotFoundException)
            {
                return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
            }
        }
    }

    /// <summary>A compile-time reference to <paramref name="assembly"/>, with its XML docs when they sit beside it.</summary>
    public static MetadataReference MetadataFor(Assembly assembly) => MetadataFor(assembly.Location);

    public static MetadataReference MetadataFor(string path)
    {
        var xml = Path.ChangeExtension(path, ".xml");
        var documentation = File.Exists(xml) ? XmlDocumentationProvider.CreateFromFile(xml) : FrameworkDocumentation.For(path);
        return MetadataReference.CreateFromFile(path, documentation: documentation);
    }

    /// <summary>The shared framework's assemblies, the references every cell starts with.</summary>
    public static IEnumerable<string> FrameworkAssemblyPaths()
    {
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var trusted = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return trusted
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && IsManagedAssembly(path));
    }

    /// <summary>Whether an assembly of this simple name is part of the shared framework (restores skip those).</summary>
    public static bool IsFrameworkAssembly(string simpleName)
    {
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return File.Exists(Path.Combine(frameworkDirectory, simpleName + ".dll"));
    }

    public static bool IsManagedAssembly(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static string NativeKey(string libraryName)
    {
        var name = Path.GetFileName(libraryName);
        if (name.StartsWith("lib", StringComparison.Ordinal)) name = name[3..];
        var so = name.IndexOf(".so", StringComparison.Ordinal);
        if (so >= 0) name = name[..so];
        foreach (var extension in new[] { ".dll", ".dylib" })
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) name = name[..^extension.Length];
        return name;
    }
}
