using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using NotebookNN.Extensibility;
using NotebookNN.Kernel.Engine.Scripting;

namespace NotebookNN.Kernel.Engine;

/// <summary>
/// The notebook engine: runs C# cells with .NET Interactive's syntax against one long-lived Roslyn script session.
/// Cells chain like a C# script (variables, types and usings carry over), the last expression is the cell's result,
/// and directives (<c>#r</c>, <c>#i</c>) and magic commands (<c>#!name</c>) are handled in order. Each cell runs on
/// its own thread, so a timeout or <see cref="Interrupt"/> stops even a loop that never yields; a stopped cell leaves
/// the session as it was before the cell. One engine runs one cell at a time; calls queue.
/// </summary>
public sealed partial class NotebookEngine : ICellExecutor, INotebookHost
{
    /// <summary>The namespaces every cell starts with: .NET Interactive's defaults, plus the engine's helpers
    /// (<c>display</c>; <c>x.Display()</c> comes from the formatting package, see FormatterDisplayRouting).</summary>
    public static readonly IReadOnlyList<string> DefaultImports =
    [
        "System",
        "System.Text",
        "System.Collections",
        "System.Collections.Generic",
        "System.Threading.Tasks",
        "System.Linq",
        typeof(NotebookHelpers).Namespace!,
        typeof(NotebookHelpers).FullName!,
    ];

    private readonly EngineOptions _settings;
    private readonly string _workingDirectory;
    private readonly SemaphoreSlim _oneCellAtATime = new(1, 1);
    private readonly Task<ScriptState<object>> _initialState;
    private readonly Dictionary<string, SubmittedCell> _cellOfSubmission = new(StringComparer.Ordinal);
    private readonly object _magicGate = new();
    private readonly List<MagicCommand> _magics = [];
    private readonly HashSet<Type> _loadedExtensions = [];
    private readonly HashSet<string> _referencedAssemblyNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly NuGetRestorer _nuget;
    private ScriptOptions _scriptOptions;
    private readonly ConditionalWeakTable<Script, HashSet<MetadataReference>> _referencesOfScript = new();
    private ScriptState<object>? _state;
    private CellRun? _running;
    private int _cellCount;
    private bool _disposed;

    static NotebookEngine()
    {
        // Code a cell calls (Trainer.Fit's live progress) shows and replaces outputs of the cell running on its flow,
        // as display(...) does; outside a cell there is nowhere to show them.
        LiveOutput.Show = value =>
            ConsoleRouting.Current is null ? null : Scripting.DisplayHandle.Show(value, null).Update;
    }

    /// <summary>Creates an engine; the C# compiler warms up in the background so the first cell starts sooner.</summary>
    public NotebookEngine(EngineOptions? options = null)
    {
        _settings = options ?? new EngineOptions();
        _settings.Validate();
        _workingDirectory = Path.GetFullPath(_settings.WorkingDirectory ?? Directory.GetCurrentDirectory());
        _nuget = new NuGetRestorer(_settings);
        ConsoleRouting.Install();
        FormatterDisplayRouting.Install();
        _scriptOptions = ScriptOptions.Default
            .WithLanguageVersion(CSharpLanguage.Version)
            .WithReferences(DefaultReferences())
            // #load "examples/Helper.cs" is relative to the notebook's folder, as in .NET Interactive; Roslyn's
            // default resolver has no base folder and finds no relative file at all.
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(_workingDirectory))
            .WithEmitDebugInformation(true)
            .WithFileEncoding(Encoding.UTF8)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithAllowUnsafe(true);
        RegisterBuiltInMagics();
        LoadStartupExtensions();
        _scriptOptions = WithNamespaceImports(_scriptOptions);
        _initialState = Task.Run(WarmUpAsync);
    }

    /// <inheritdoc />
    public Func<string, bool, string?>? InputProvider { get; set; }

    /// <summary>The folder relative <c>#r</c> paths are resolved against.</summary>
    public string WorkingDirectory => _workingDirectory;

    /// <summary>The names of the variables the session holds now, in declaration order (what <c>#!who</c> shows).</summary>
    public IReadOnlyList<string> VariableNames => CurrentVariables().Select(v => v.Name).ToList();

    internal CellOutputChannel? CurrentChannel => Volatile.Read(ref _running)?.Channel;

    internal ScriptState<object>? CurrentState => Volatile.Read(ref _state);

    internal ScriptOptions CurrentScriptOptions => Volatile.Read(ref _scriptOptions);

    /// <inheritdoc />
    public async Task<CellResult> ExecuteAsync(string code, ICellOutputSink sink, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(sink);
        if (timeout is { } limit && limit <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A cell timeout must be positive; pass null for no limit.");
        ObjectDisposedException.ThrowIf(_disposed, this);

        await _oneCellAtATime.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var stopwatch = Stopwatch.StartNew();
            var channel = new CellOutputChannel(this, sink, Interlocked.Increment(ref _cellCount), _settings.StreamFlushInterval);
            var run = new CellRun(code, channel);
            using var callerCancel = cancellationToken.Register(run.RequestInterrupt);
            var stateBefore = _state;
            Volatile.Write(ref _running, run);
            try
            {
                var stopRequested = timeout is { } t ? Task.WhenAny(run.StopRequested, Task.Delay(t)) : run.StopRequested;
                var outcome = await CellThread.RunAsync(() => RunCellAsync(run), stopRequested, _settings.StopGracePeriod, _settings.CellThreadStackSize)
                    .ConfigureAwait(false);
                if (outcome != CellThreadOutcome.Completed)
                {
                    // A stopped cell may have run some of its submissions: forget them, keep what came before.
                    run.MarkStopped();
                    Volatile.Write(ref _state, stateBefore);
                    var status = run.InterruptRequested ? CellStatus.Interrupted : CellStatus.TimedOut;
                    var error = StoppedError(status, timeout, outcome == CellThreadOutcome.Abandoned);
                    channel.Write(error);
                    return new CellResult(status, error, stopwatch.Elapsed);
                }
            }
            catch (Exception e)
            {
                // The engine's own failure (never a user error): report it in the cell rather than losing the session.
                var error = new ErrorOutput("EngineError", e.Message, [$"{e.GetType().Name}: {e.Message}", .. (e.StackTrace ?? "").Split('\n')]);
                channel.Write(error);
                return new CellResult(CellStatus.Error, error, stopwatch.Elapsed);
            }
            finally
            {
                Volatile.Write(ref _running, null);
                await channel.CloseAsync().ConfigureAwait(false);
            }
            return run.Error is null
                ? new CellResult(CellStatus.Ok, null, stopwatch.Elapsed)
                : new CellResult(CellStatus.Error, run.Error, stopwatch.Elapsed);
        }
        finally
        {
            _oneCellAtATime.Release();
        }
    }

    /// <inheritdoc />
    public void Interrupt()
    {
        if (Volatile.Read(ref _running) is { } run) run.RequestInterrupt();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Interrupt();
        if (_languageServices.IsValueCreated) _languageServices.Value.Dispose();
    }

    private static ErrorOutput StoppedError(CellStatus status, TimeSpan? timeout, bool abandoned)
    {
        var message = status == CellStatus.TimedOut
            ? $"The cell ran longer than its {FormatSeconds(timeout ?? TimeSpan.Zero)} limit and was stopped. Variables defined before this cell are kept."
            : "The cell was interrupted. Variables defined before this cell are kept.";
        var name = status == CellStatus.TimedOut ? "TimeoutError" : "Interrupted";
        var traceback = new List<string> { $"{AnsiText.Red(name)}: {message}" };
        if (abandoned)
            traceback.Add("The cell's thread did not stop in time (it is probably inside native code); it is left to finish in the background.");
        return new ErrorOutput(name, message, traceback);
    }

    private static string FormatSeconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private async Task<ScriptState<object>> WarmUpAsync()
    {
        // The namespaces are option imports, as in .NET Interactive, so a using in a cell is nearer than them when
        // two extension methods compete (KernelInvocationContext.Current.Display(x) picks .NET Interactive's over
        // the formatting package's object.Display, as there). The static imports are the first submission's code:
        // Roslyn binds option imports anew in every submission, and once a #r changes the references the static
        // import inherited from earlier submissions and the new one name the same type through two compilations, so
        // `display(...)` became ambiguous (CS0121). Using directives in code are inherited like any declaration.
        var state = await CSharpScript.RunAsync<object>(StaticImportsCode(), _scriptOptions).ConfigureAwait(false);
        // Compiling one throwaway submission and formatting one value loads and JITs the compiler and the
        // formatter, which is most of the first cell's cost.
        state.Script.ContinueWith<object>("1 + 1", OptionsAfter(state.Script)).Compile();
        MimeBundleBuilder.Build(1);
        if (_settings.WarmUpLanguageServices)
            WarmUpLanguageServices(state);
        return state;
    }

    private string StaticImportsCode() =>
        string.Concat(StaticImports().Select(import => $"using {import};\n"));

    private IEnumerable<string> StaticImports() =>
        DefaultImports.Where(import => import == typeof(NotebookHelpers).FullName).Select(import => "static " + import)
            .Concat(_extensionImports.Where(import => import.StartsWith("static ", StringComparison.Ordinal)));

    private ScriptOptions WithNamespaceImports(ScriptOptions options) =>
        options.WithImports(DefaultImports.Where(import => import != typeof(NotebookHelpers).FullName)
            .Concat(_extensionImports.Where(import => !import.StartsWith("static ", StringComparison.Ordinal))));

    /// <summary>
    /// The code with its <c>using static</c> directives that repeat one the session starts with blanked out (same
    /// length, so positions in errors stay right). Notebooks written for .NET Interactive often say
    /// <c>using static Microsoft.DotNet.Interactive.Kernel;</c>, which the session has already: after a #r has changed
    /// the references, the repeated import and the inherited one name the type through two compilations and every
    /// helper call became ambiguous (CS0121).
    /// </summary>
    private string WithoutRepeatedStaticImports(string code)
    {
        if (!code.Contains("using static", StringComparison.Ordinal)) return code;
        var session = StaticImports().Select(import => import["static ".Length..]).ToHashSet(StringComparer.Ordinal);
        var root = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(CSharpLanguage.Version, kind: SourceCodeKind.Script)).GetCompilationUnitRoot();
        var repeated = root.Usings.Where(u => u.StaticKeyword != default && u.Alias is null && u.Name is { } name
                                              && session.Contains(name.ToString().Replace("global::", "", StringComparison.Ordinal))).ToList();
        if (repeated.Count == 0) return code;
        var text = new StringBuilder(code);
        foreach (var directive in repeated)
            for (var i = directive.Span.Start; i < directive.Span.End; i++)
                if (text[i] is not ('\n' or '\r')) text[i] = ' ';
        return text.ToString();
    }

    private async Task RunCellAsync(CellRun run)
    {
        ConsoleRouting.Enter(run.Channel);
        _state ??= await _initialState.ConfigureAwait(true);
        // Extensions' cell hooks run here, on the cell's flow, so ambient state they set is the cell's.
        var scopes = StartCellScopes(run);
        try
        {
            var parser = new CellParser(run.Code);
            await RunItemsAsync(parser, parser.Parse(), run).ConfigureAwait(true);
        }
        finally
        {
            EndCellScopes(scopes, run);
        }
    }

    /// <summary>Runs cell items in order; false (with the error written) at the first failing one.</summary>
    private async Task<bool> RunItemsAsync(CellParser parser, IReadOnlyList<CellItem> items, CellRun run)
    {
        for (var i = 0; i < items.Count; i++)
        {
            bool ok;
            switch (items[i])
            {
                case CodeItem code:
                    ok = await RunCodeAsync(parser.CodeFor(code), run).ConfigureAwait(true);
                    break;
                case MagicItem magic:
                    ok = await RunMagicAsync(parser, magic, run).ConfigureAwait(true);
                    break;
                default:
                    // Consecutive #r/#i lines are one group, so their packages are restored together.
                    var end = i;
                    while (end < items.Count && items[end] is ReferenceItem or SourceItem) end++;
                    ok = await RunReferencesAsync(items.Skip(i).Take(end - i).ToList(), run).ConfigureAwait(true);
                    i = end - 1;
                    break;
            }
            if (!ok) return false;
        }
        return true;
    }

    private async Task<bool> RunCodeAsync(string code, CellRun run)
    {
        var state = _state!;
        var script = state.Script.ContinueWith<object>(WithoutRepeatedStaticImports(code), OptionsAfter(state.Script));
        var diagnostics = script.Compile();
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            return run.Fail(ErrorFormatting.CompilationError(diagnostics));
        RememberSubmission(script, run.Channel.CellNumber);

        var next = await script.RunFromAsync(state, catchException: _ => true).ConfigureAwait(true);
        // A cell the engine gave up on (its thread outlived the stop) must not overwrite the restored session.
        if (run.Stopped) return false;
        Volatile.Write(ref _state, next);
        if (next.Exception is { } exception)
            return run.Fail(ErrorFormatting.RuntimeError(exception, CellOfSubmission));
        // A display call's handle is not shown again as the result (dotnet-interactive does the same).
        if (next.ReturnValue is not { } value || value is Microsoft.DotNet.Interactive.Formatting.DisplayedValue) return true;
        try
        {
            run.Channel.Write(new ExecuteResultOutput(MimeBundleBuilder.Build(value)));
        }
        catch (Exception e)
        {
            // A formatter registered by the notebook or an extension failed, or made invalid JSON for a JSON MIME
            // type: that is the notebook's error.
            return run.Fail(ErrorFormatting.RuntimeError(e, CellOfSubmission));
        }
        return true;
    }

    /// <summary>
    /// The options for a submission that continues <paramref name="previous"/>: the session's options with only the
    /// references its chain does not hold yet. Roslyn gives every submission the references of all earlier ones as
    /// well as its own, so passing the full list with each cell grew the reference list by ~180 entries per cell and
    /// made binding cost grow with the session (measured: 2.6 ms at the first cell, 8-12 ms at the 200th; 1.5 ms flat
    /// with this).
    /// </summary>
    private ScriptOptions OptionsAfter(Script previous)
    {
        var options = _scriptOptions;
        var held = ReferencesOf(previous);
        return options.WithReferences(options.MetadataReferences.Where(reference => !held.Contains(reference)));
    }

    /// <summary>The references a submission and all its predecessors were compiled with (scripts are immutable, so
    /// this is cached per script and stays right when an interrupted cell's submissions are dropped).</summary>
    private HashSet<MetadataReference> ReferencesOf(Script script) =>
        _referencesOfScript.GetValue(script, s =>
        {
            var earlier = s.Previous is { } previous ? ReferencesOf(previous) : [];
            // Most cells add no reference: they share their predecessor's set, which is never changed once made.
            if (s.Options.MetadataReferences.All(earlier.Contains)) return earlier;
            var held = new HashSet<MetadataReference>(earlier);
            held.UnionWith(s.Options.MetadataReferences);
            return held;
        });

    private void RememberSubmission(Script script, int cellNumber)
    {
        var name = script.GetCompilation().ScriptClass?.MetadataName;
        if (name is null) return;
        lock (_cellOfSubmission) _cellOfSubmission[name] = new SubmittedCell(cellNumber, script.Code);
    }

    private SubmittedCell? CellOfSubmission(string submissionTypeName)
    {
        lock (_cellOfSubmission)
            return _cellOfSubmission.TryGetValue(submissionTypeName, out var cell) ? cell : null;
    }

    /// <summary>Evaluates an expression against the session without keeping it as a cell (magic commands).</summary>
    internal async Task<object?> EvaluateAsync(string expression, int cellNumber, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        var state = _state ?? await _initialState.ConfigureAwait(true);
        var script = state.Script.ContinueWith<object>(expression, OptionsAfter(state.Script));
        var diagnostics = script.Compile(cancellationToken);
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            throw new MagicCommandException($"Cannot evaluate '{expression}': {ErrorFormatting.CompilationError(diagnostics).EValue}");
        RememberSubmission(script, cellNumber);
        var result = await script.RunFromAsync(state, catchException: null, cancellationToken).ConfigureAwait(true);
        return result.ReturnValue;
    }

    /// <summary>Reads a line for <c>Console.ReadLine()</c> in a cell, through the front end.</summary>
    internal string? ReadInputLine(CellOutputChannel channel, string prompt, bool password)
    {
        channel.Flush();
        if (InputProvider is not { } provider) return null;
        if (!ReferenceEquals(CurrentChannel, channel)) return null; // a cell that is over reads end of input
        // The front end may wait on a reply for a long time. The cell's thread polls instead of blocking in that
        // wait, because an abort (interrupt, timeout) reaches a thread only when it runs managed code.
        var answer = Task.Run(() => provider(prompt, password));
        while (!answer.Wait(50)) { }
        return answer.Result;
    }

    private IReadOnlyList<ScriptVariable> CurrentVariables()
    {
        var state = CurrentState;
        if (state is null) return [];
        // A name declared again in a later cell shadows the earlier one: show the latest.
        var latest = new Dictionary<string, ScriptVariable>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var variable in state.Variables)
        {
            if (variable.Name.StartsWith('<')) continue;
            if (!latest.ContainsKey(variable.Name)) order.Add(variable.Name);
            latest[variable.Name] = variable;
        }
        return order.Select(name => latest[name]).ToList();
    }

    private IEnumerable<MetadataReference> DefaultReferences()
    {
        foreach (var path in AssemblyReferences.FrameworkAssemblyPaths())
            yield return AssemblyReferences.MetadataFor(path);
        foreach (var assembly in new[]
                 {
                     typeof(NotebookEngine).Assembly,
                     typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly,
                     typeof(Microsoft.AspNetCore.Html.IHtmlContent).Assembly,
                 })
        {
            _referencedAssemblyNames.Add(assembly.GetName().Name!);
            yield return AssemblyReferences.MetadataFor(assembly);
        }
    }

    /// <summary>One cell while it runs.</summary>
    private sealed class CellRun(string code, CellOutputChannel channel)
    {
        private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _interruptRequested;
        private int _stopped;

        public string Code { get; } = code;
        public CellOutputChannel Channel { get; } = channel;
        public ErrorOutput? Error { get; private set; }
        public bool InterruptRequested => Volatile.Read(ref _interruptRequested) != 0;

        /// <summary>Completes when the cell must stop (interrupt or cancellation); never blocks the caller.</summary>
        public Task StopRequested => _stopRequested.Task;

        /// <summary>True once the engine gave up on the cell: its thread must not change the session any more.</summary>
        public bool Stopped => Volatile.Read(ref _stopped) != 0;

        public void RequestInterrupt()
        {
            Interlocked.Exchange(ref _interruptRequested, 1);
            _stopRequested.TrySetResult();
        }

        public void MarkStopped() => Interlocked.Exchange(ref _stopped, 1);

        /// <summary>Writes <paramref name="error"/> as the cell's error; returns false so callers can stop.</summary>
        public bool Fail(ErrorOutput error)
        {
            Error ??= error;
            Channel.Write(error);
            return false;
        }
    }
}
