using System.Reflection;
using Microsoft.DotNet.Interactive;
using NotebookNN.Extensibility;

namespace NotebookNN.DotNetInteractive;

/// <summary>
/// What .NET Interactive loads from <c>interactive-extensions/dotnet</c> of a package after <c>#r "nuget: ..."</c>: it
/// prepares TorchSharp's native backend for this host, then finds the <see cref="INotebookExtension"/>s in the
/// package's own <c>lib</c> assemblies (already referenced by the host) and loads each through a
/// <see cref="DotNetInteractiveHost"/>. The extension classes are the ones nnb loads, so both hosts run the same code.
/// </summary>
public sealed class PackageExtensionLoader : IKernelExtension
{
    /// <inheritdoc />
    public Task OnLoadAsync(Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        HostAssemblyUnification.Install();
        // Code a cell calls (Trainer.Fit's progress) shows an output of the running command and replaces it later.
        LiveOutput.Show ??= value => KernelInvocationContext.Current is { } running ? running.Display(value).Update : null;
        var messages = TorchSharpNativeBackend.Prepare();
        var host = DotNetInteractiveHost.For(kernel);
        foreach (var type in ExtensionTypes(PackageLibFolder()))
            host.Load(type);
        if (KernelInvocationContext.Current is { } context)
            foreach (var message in messages)
                DotNetInteractiveHost.WriteStandardError(context, message + "\n");
        return Task.CompletedTask;
    }

    /// <summary>The package's <c>lib</c> folder: this assembly sits in <c>&lt;package&gt;/interactive-extensions/dotnet</c>.</summary>
    internal static string? PackageLibFolder()
    {
        var here = Path.GetDirectoryName(typeof(PackageExtensionLoader).Assembly.Location);
        if (here is null) return null;
        var lib = Path.GetFullPath(Path.Combine(here, "..", "..", "lib"));
        return Directory.Exists(lib) ? lib : null;
    }

    /// <summary>Extension types of the loaded assemblies that come from <paramref name="libFolder"/> (all loaded
    /// assemblies when null: the adapter used outside a package, e.g. in tests).</summary>
    internal static IEnumerable<Type> ExtensionTypes(string? libFolder)
    {
        var contract = typeof(INotebookExtension).Assembly.GetName().Name;
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location)) continue;
            if (libFolder is not null && !Path.GetFullPath(assembly.Location).StartsWith(libFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                continue;
            if (assembly.GetReferencedAssemblies().All(a => a.Name != contract)) continue;
            foreach (var type in Extensibility.ExtensionTypes.In<INotebookExtension>(assembly))
                yield return type;
        }
    }
}
