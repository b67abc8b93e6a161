using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using NotebookNN.Extensibility;

namespace NotebookNN.Polyglot;

/// <summary>
/// Loads what packages bring for .NET Interactive, as dotnet-interactive does after <c>#r "nuget: ..."</c>: every
/// <c>IKernelExtension</c> in a package's <c>interactive-extensions/dotnet/*.dll</c> (Plotly.NET.Interactive,
/// Microsoft.Data.Analysis, SkiaSharp, ...) gets <c>OnLoadAsync</c> with a .NET Interactive kernel, and the C# cells of
/// an <c>extension.dib</c> there run in the notebook. Most extensions only register formatters with the shared
/// formatter registry, which nnb reads, so their values display as they do in Polyglot Notebooks. An assembly there
/// that references NotebookNN's own contract is an adapter of an extension nnb already loaded natively: it is skipped.
/// It also gives cells .NET Interactive's kernel API: its helpers (<c>HTML</c>, <c>Javascript</c>, <c>CSS</c>,
/// <c>GetInputAsync</c>, ...) without a using, as there, and <c>Kernel.Root</c>, <c>Kernel.Current</c> and
/// <c>KernelInvocationContext.Current</c> (see <see cref="CellInvocation"/>). Directives that extensions or cells add to
/// those kernels become nnb magic commands.
/// </summary>
public sealed class KernelExtensionHosting : INotebookExtension
{
    private const string ContractAssembly = "NotebookNN.Extensibility";

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _builtInDirectives = new(StringComparer.Ordinal);
    private readonly HashSet<string> _bridged = new(StringComparer.Ordinal);
    private INotebookHost? _host;
    private CompositeKernel? _kernel;
    private NotebookCSharpKernel? _csharp;

    /// <summary>The kernel extensions are given, made on first use. .NET Interactive's Kernel type subscribes (once,
    /// statically) to the formatting package's displayed values and, when no command of its own runs, writes them to
    /// the console, which would double each display in nnb; that subscription is removed.</summary>
    private CompositeKernel SharedKernel
    {
        get
        {
            if (_kernel is not null) return _kernel;
            _csharp = new NotebookCSharpKernel();
            var kernel = new CompositeKernel(".NET") { _csharp };
            kernel.DefaultKernelName = NotebookCSharpKernel.KernelName;
            DetachDisplaySubscription();
            foreach (var directive in AllDirectives(kernel)) _builtInDirectives.Add(directive.Name);
            _kernel = kernel;
            return kernel;
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
        _host = host;
        host.OnPackagesReferenced(LoadAsync);
        // As dotnet-interactive's C# kernel does: its helpers with no using; `using Microsoft.DotNet.Interactive;`
        // (for Kernel.Root and friends) compiles because the assembly is referenced.
        var folder = Path.GetDirectoryName(typeof(Kernel).Assembly.Location)!;
        var references = DefaultReferences.Select(name => Path.Combine(folder, name + ".dll")).Where(File.Exists).Prepend(typeof(Kernel).Assembly.Location);
        host.AddSessionDefaults(references.ToList(), ["static " + typeof(Kernel).FullName]);
        host.OnCellRunning(StartCell);
    }

    /// <summary>Assemblies dotnet-interactive's C# kernel compiles against without a #r, which notebooks use as if they
    /// were part of .NET (JObject, Markdown, Roslyn, Rx), referenced from beside nnb.</summary>
    private static readonly string[] DefaultReferences =
        ["Newtonsoft.Json", "Markdig", "System.Reactive", "Microsoft.CodeAnalysis", "Microsoft.CodeAnalysis.CSharp"];

    /// <summary>Words whose use in a cell means it may reach for the .NET Interactive kernel (its context is made
    /// from then on; sessions that never use it pay nothing).</summary>
    private static readonly string[] KernelApiWords = ["Kernel", "Javascript", "CSS(", "GetInput", "GetPassword"];

    private bool _kernelApiUsed;

    private IDisposable? StartCell(string code, IMagicContext cell)
    {
        if (!_kernelApiUsed && !KernelApiWords.Any(word => code.Contains(word, StringComparison.Ordinal))) return null;
        _kernelApiUsed = true;
        _ = SharedKernel;
        var invocation = CellInvocation.Start(code, cell, _csharp!);
        return new CellEnd(invocation, this);
    }

    /// <summary>Ends the cell's context, then turns the directives the cell added into magic commands.</summary>
    private sealed class CellEnd(CellInvocation invocation, KernelExtensionHosting owner) : IDisposable
    {
        public void Dispose()
        {
            invocation.Dispose();
            owner.BridgeNewDirectives();
        }
    }

    private static IEnumerable<KernelActionDirective> AllDirectives(CompositeKernel kernel) =>
        kernel.KernelInfo.SupportedDirectives.Concat(kernel.ChildKernels.SelectMany(k => k.KernelInfo.SupportedDirectives))
            .OfType<KernelActionDirective>();

    /// <summary>
    /// Registers an nnb magic for each directive added to the kernels since they were made (by an extension's
    /// OnLoadAsync or by a cell's <c>Kernel.Root.AddDirective(...)</c>). Running the magic submits its line to the
    /// kernels, which bind the arguments and call the directive's handler, as in Polyglot Notebooks.
    /// </summary>
    private void BridgeNewDirectives()
    {
        if (_kernel is null || _host is null) return;
        var taken = _host.Magics.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var directive in AllDirectives(_kernel))
        {
            var name = directive.Name.TrimStart('#', '!');
            if (_builtInDirectives.Contains(directive.Name) || taken.Contains(name) || !_bridged.Add(name)) continue;
            _host.RegisterMagic(new MagicCommand(name, directive.Description ?? $"A directive added through .NET Interactive's kernel API.", RunDirectiveAsync)
            {
                Parameters = directive.Parameters.Select(p => new MagicParameter(p.Name.TrimStart('-'),
                    // .NET Interactive also takes an implicitly named parameter as --name VALUE.
                    ((p.Description ?? "") + (p.AllowImplicitName && !p.Flag ? $" (or {p.Name} VALUE)" : "")).Trim(),
                    p.Flag ? MagicParameterKind.Flag : p.AllowImplicitName ? MagicParameterKind.Positional : MagicParameterKind.Option)).ToList(),
                RequiredPositionals = directive.Parameters.Count(p => p.Required && p.AllowImplicitName),
            });
        }
    }

    private async Task RunDirectiveAsync(MagicInvocation invocation)
    {
        var line = ("#!" + invocation.Name + " " + invocation.RawArguments).TrimEnd();
        var result = await SharedKernel.SendAsync(new Microsoft.DotNet.Interactive.Commands.SubmitCode(line, NotebookCSharpKernel.KernelName)).ConfigureAwait(true);
        if (result.Events.OfType<Microsoft.DotNet.Interactive.Events.CommandFailed>().LastOrDefault() is { } failed)
            throw new MagicCommandException(failed.Message);
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
        // Plotly.NET charts draw offline with NotebookNN's formatter whether or not a notebook loads
        // Plotly.NET.Interactive (whose formatter fetches plotly.js from a CDN): registered last, it wins.
        if (packages.Any(p => p.Name.StartsWith(PlotlyPackage, StringComparison.OrdinalIgnoreCase)) && PlotlyLoaded())
            NotebookNN.Interactive.Formatters.RegisterCharts();
    }

    private const string PlotlyPackage = "Plotly.NET";

    private static bool PlotlyLoaded() =>
        AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == PlotlyPackage);

    private async Task LoadAssemblyAsync(string file, ReferencedPackage package, IMagicContext context)
    {
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(file);
        foreach (var type in ExtensionTypes.In<IKernelExtension>(assembly))
        {
            var extension = (IKernelExtension)Activator.CreateInstance(type)!;
            // Extensions reach for Kernel.Root (Microsoft.Data.Analysis sends its usings to the csharp kernel), which
            // .NET Interactive gives them through the #r command's context: the cell gets one if it has none yet.
            var kernel = SharedKernel;
            using (KernelInvocationContext.Current is null ? CellInvocation.Start($"#r \"nuget: {package.Name}, {package.Version}\"", context, _csharp!) : null)
                await extension.OnLoadAsync(kernel).ConfigureAwait(true);
            _kernelApiUsed = true;
            BridgeNewDirectives();
            context.WriteLine($"Loaded the .NET Interactive extension {type.FullName} from {package.Name} {package.Version}.");
        }
    }

    /// <summary>Runs the C# cells of an extension script through the engine's own <c>#!import</c>: its .dib reader,
    /// with declarations, <c>#r</c> lines and magics kept in the session as if the cells ran in the notebook.</summary>
    private static async Task RunScriptAsync(string script, ReferencedPackage package, IMagicContext context)
    {
        await context.RunCodeAsync($"#!import \"{script}\"").ConfigureAwait(true);
        context.WriteLine($"Ran the .NET Interactive extension script {Path.GetFileName(script)} from {package.Name} {package.Version}.");
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
