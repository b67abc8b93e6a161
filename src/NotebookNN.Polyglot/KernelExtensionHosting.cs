using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using NotebookNN.Extensibility;

namespace NotebookNN.Polyglot;

/// <summary>
/// Loads what packages bring for .NET Interactive, as dotnet-interactive does after <c>#r "nuget: ..."</c>: every
/// <c>IKernelExtension</c> in a package's <c>interactive-extensions/dotnet/*.dll</c> (Plotly.NET.Interactive,
/// Microsoft.Data.Analysis, SkiaSharp, ...) gets <c>OnLoadAsync</c> with a .NET Interactive kernel, and the C# cells of
/// an <c>extension.dib</c> there run in the notebook. Most extensions only register formatters with the shared
/// formatter registry, which nnb reads, so their values display as they do in Polyglot Notebooks. An assembly there
/// that references NotebookNN's own contract is an adapter of an extension nnb already loaded natively: it is skipped.
/// Directives an extension adds to the kernel it is given are not carried over into nnb's magics.
/// </summary>
public sealed class KernelExtensionHosting : INotebookExtension
{
    private const string ContractAssembly = "NotebookNN.Extensibility";

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private CompositeKernel? _kernel;

    /// <summary>The kernel extensions are given, made on first use. .NET Interactive's Kernel type subscribes (once,
    /// statically) to the formatting package's displayed values and, when no command of its own runs, writes them to
    /// the console, which would double each display in nnb; that subscription is removed.</summary>
    private CompositeKernel SharedKernel
    {
        get
        {
            if (_kernel is not null) return _kernel;
            _kernel = new CompositeKernel("nnb");
            DetachDisplaySubscription();
            return _kernel;
        }
    }

    /// <summary>Removes the kernel package's handlers from the formatter's private display event; false when there
    /// were none (or the formatting package has no such event: another version).</summary>
    internal static bool DetachDisplaySubscription()
    {
        var field = typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).GetField("OnFormatterEvent", BindingFlags.NonPublic | BindingFlags.Static);
        if (field?.GetValue(null) is not Delegate handlers) return false;
        var kernelAssembly = typeof(Microsoft.DotNet.Interactive.Kernel).Assembly;
        var kept = handlers.GetInvocationList().Where(h => h.Method.DeclaringType?.Assembly != kernelAssembly).ToArray();
        field.SetValue(null, Delegate.Combine(kept));
        return kept.Length < handlers.GetInvocationList().Length;
    }

    /// <inheritdoc />
    public void Load(INotebookHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        host.OnPackagesReferenced(LoadAsync);
    }

    private async Task LoadAsync(IReadOnlyList<ReferencedPackage> packages, IMagicContext context)
    {
        foreach (var package in packages)
        {
            if (package.Folder is null) continue;
            var folder = Path.Combine(package.Folder, "interactive-extensions", "dotnet");
            if (!Directory.Exists(folder) || !_seen.Add(folder)) continue;
            foreach (var file in Directory.EnumerateFiles(folder, "*.dll").Order(StringComparer.Ordinal))
                if (!ReferencesContract(file))
                    await LoadAssemblyAsync(file, package, context).ConfigureAwait(true);
            foreach (var script in Directory.EnumerateFiles(folder, "*.dib").Order(StringComparer.Ordinal))
                await RunScriptAsync(script, package, context).ConfigureAwait(true);
        }
    }

    private async Task LoadAssemblyAsync(string file, ReferencedPackage package, IMagicContext context)
    {
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(file);
        foreach (var type in ExtensionTypes.In<IKernelExtension>(assembly))
        {
            var extension = (IKernelExtension)Activator.CreateInstance(type)!;
            await extension.OnLoadAsync(SharedKernel).ConfigureAwait(true);
            context.WriteLine($"Loaded the .NET Interactive extension {type.FullName} from {package.Name} {package.Version}.");
        }
    }

    /// <summary>Runs the C# cells of an extension script (<c>#!csharp</c> sections; other languages are skipped).</summary>
    private static async Task RunScriptAsync(string script, ReferencedPackage package, IMagicContext context)
    {
        foreach (var code in CSharpCells(File.ReadAllText(script)))
            await context.EvaluateAsync(code).ConfigureAwait(true);
        context.WriteLine($"Ran the .NET Interactive extension script {Path.GetFileName(script)} from {package.Name} {package.Version}.");
    }

    /// <summary>The C# cells of a .dib file: the text after each <c>#!csharp</c> (or <c>#!c#</c>) line up to the next
    /// kernel line.</summary>
    internal static IReadOnlyList<string> CSharpCells(string dib)
    {
        var cells = new List<string>();
        List<string>? current = null;
        foreach (var line in dib.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("#!", StringComparison.Ordinal) && !trimmed.Contains(' ', StringComparison.Ordinal))
            {
                if (current is { Count: > 0 } && string.Join('\n', current).Trim().Length > 0) cells.Add(string.Join('\n', current).Trim());
                current = trimmed is "#!csharp" or "#!c#" or "#!C#" ? [] : null;
                continue;
            }
            current?.Add(line);
        }
        if (current is { Count: > 0 } && string.Join('\n', current).Trim().Length > 0) cells.Add(string.Join('\n', current).Trim());
        return cells;
    }

    /// <summary>Whether the assembly references NotebookNN's contract, read from its metadata without loading it.</summary>
    internal static bool ReferencesContract(string file)
    {
        using var stream = File.OpenRead(file);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata) return false;
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences.Any(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name) == ContractAssembly);
    }
}
