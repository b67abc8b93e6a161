namespace NotebookNN.Kernel.Engine;

// Completion, inspection and completeness for front ends (Jupyter complete/inspect/is_complete requests).
public sealed partial class NotebookEngine
{
    private readonly Lazy<LanguageServices> _languageServices = new(() => new LanguageServices(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <inheritdoc />
    public async Task<CompletionResult> CompleteAsync(string code, int cursor, CancellationToken cancellationToken = default)
    {
        ValidateCursor(code, cursor);
        var document = await DocumentForAsync(code).ConfigureAwait(false);
        return await _languageServices.Value.CompleteAsync(document, code, cursor, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string?> InspectAsync(string code, int cursor, int detailLevel = 0, CancellationToken cancellationToken = default)
    {
        ValidateCursor(code, cursor);
        if (detailLevel is not (0 or 1))
            throw new ArgumentOutOfRangeException(nameof(detailLevel), detailLevel, "The inspect detail level must be 0 (signature and summary) or 1 (also parameters, returns, exceptions, remarks and overloads).");
        var document = await DocumentForAsync(code).ConfigureAwait(false);
        return await _languageServices.Value.InspectAsync(document, cursor, detailLevel, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<CompletenessResult> IsCompleteAsync(string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(code);
        return Task.FromResult(LanguageServices.IsComplete(code));
    }

    private async Task<Microsoft.CodeAnalysis.Document> DocumentForAsync(string code)
    {
        var state = CurrentState ?? await _initialState.ConfigureAwait(false);
        return _languageServices.Value.DocumentFor(state, CurrentScriptOptions, code);
    }

    // Composing Roslyn's language services and compiling the session once for them takes seconds; doing it
    // while the user is still typing makes the first completion answer like the later ones.
    private void WarmUpLanguageServices(Microsoft.CodeAnalysis.Scripting.ScriptState state)
    {
        const string probe = "Console.";
        var warmUp = Task.Run(async () =>
        {
            var document = _languageServices.Value.DocumentFor(state, CurrentScriptOptions, probe);
            await _languageServices.Value.CompleteAsync(document, probe, probe.Length, CancellationToken.None).ConfigureAwait(false);
            await _languageServices.Value.InspectAsync(document, 2, 0, CancellationToken.None).ConfigureAwait(false);
        });
        // A failure here would show again, with its cause, on the first real request; observe it so it is not
        // reported as an unobserved task exception.
        warmUp.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private static void ValidateCursor(string code, int cursor)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (cursor < 0 || cursor > code.Length)
            throw new ArgumentOutOfRangeException(nameof(cursor), cursor, $"The cursor must be a character offset between 0 and the code's length ({code.Length}).");
    }
}
