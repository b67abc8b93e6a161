using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Completion;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.QuickInfo;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Text;

namespace NotebookNN.Kernel.Engine;

/// <summary>
/// Completion and quick info against the live session: a Roslyn workspace that mirrors the session's chain of
/// submissions (one submission project per executed cell, each referencing the one before, as the C# interactive
/// window does), plus a throwaway submission holding the code being edited. Compilations of earlier submissions are
/// cached by the workspace, so a request costs about one small compilation.
/// </summary>
internal sealed class LanguageServices : IDisposable
{
    private readonly AdhocWorkspace _workspace = new(MefHostServices.DefaultHost, WorkspaceKind.Interactive);
    private readonly CSharpParseOptions _parseOptions = new(CSharpLanguage.Version, DocumentationMode.Parse, SourceCodeKind.Script);
    private readonly ConditionalWeakTable<Script, ProjectId> _projects = new();
    private readonly object _gate = new();
    private Solution _solution;

    public LanguageServices()
    {
        _solution = _workspace.CurrentSolution;
    }

    /// <summary>A document holding <paramref name="code"/> as the next submission after <paramref name="state"/>.</summary>
    public Document DocumentFor(ScriptState state, ScriptOptions options, string code)
    {
        lock (_gate)
        {
            var previous = EnsureChain(state.Script);
            var projectId = ProjectId.CreateNewId("edited cell");
            var references = options.MetadataReferences.OfType<PortableExecutableReference>();
            var solution = _solution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), "edited cell", "EditedCell",
                LanguageNames.CSharp, compilationOptions: state.Script.GetCompilation().Options, parseOptions: _parseOptions,
                metadataReferences: references, isSubmission: true, hostObjectType: null));
            if (previous is not null) solution = solution.AddProjectReference(projectId, new ProjectReference(previous));
            var documentId = DocumentId.CreateNewId(projectId);
            solution = solution.AddDocument(documentId, "cell.csx", SourceText.From(CellParser.BlankDirectives(code)));
            return solution.GetDocument(documentId)!;
        }
    }

    public async Task<CompletionResult> CompleteAsync(Document document, string code, int cursor, CancellationToken cancellationToken)
    {
        var service = CompletionService.GetService(document);
        var list = service is null ? null : await service.GetCompletionsAsync(document, cursor, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (list is null) return new CompletionResult([], cursor, cursor);

        var span = list.Span;
        var prefix = span.Start <= cursor ? code[span.Start..cursor] : "";
        var matches = list.ItemsList
            .Where(item => item.FilterText.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(item => item.Properties.TryGetValue("InsertionText", out var insertion) && !string.IsNullOrEmpty(insertion) ? insertion : item.DisplayText)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(text => text.StartsWith(prefix, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(text => text, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new CompletionResult(matches, span.Start, Math.Max(span.End, cursor));
    }

    public async Task<string?> InspectAsync(Document document, int cursor, CancellationToken cancellationToken)
    {
        var service = QuickInfoService.GetService(document);
        if (service is null) return null;
        // Front ends send the cursor just after the word; quick info wants a position inside it.
        foreach (var position in new[] { cursor, cursor - 1 }.Where(p => p >= 0).Distinct())
        {
            var info = await service.GetQuickInfoAsync(document, position, cancellationToken).ConfigureAwait(false);
            if (info is null || info.Sections.Length == 0) continue;
            var text = string.Join("\n", info.Sections
                .Select(section => string.Concat(section.TaggedParts.Select(part => part.Text)).Trim())
                .Where(section => section.Length > 0));
            if (text.Length > 0) return text;
        }
        return null;
    }

    /// <summary>
    /// Complete (a whole submission without syntax errors; semantic errors do not count, as is_complete is
    /// syntactic), incomplete (typing more at the end could finish it) or invalid (a syntax error inside the text
    /// that no typing at the end can fix).
    /// </summary>
    public static CompletenessResult IsComplete(string code)
    {
        var text = CellParser.BlankDirectives(CellParser.CodeBeforeMarkdown(code));
        if (text.Trim().Length == 0) return new CompletenessResult(Completeness.Complete);
        var tree = SyntaxFactory.ParseSyntaxTree(text, new CSharpParseOptions(CSharpLanguage.Version, DocumentationMode.None, SourceCodeKind.Script));
        var root = tree.GetRoot();

        var braceDepth = OpenBraceDepth(root);
        if (braceDepth is null) return new CompletenessResult(Completeness.Invalid);
        var errors = tree.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var end = root.GetLastToken().Span.End;
        // A line break inside a one-line string literal cannot be fixed by typing more, even while braces are open.
        if (errors.Any(d => d.Id is "CS1010" or "CS1039" && !IsAtEnd(d, root, end)))
            return new CompletenessResult(Completeness.Invalid);
        if (!SyntaxFactory.IsCompleteSubmission(tree))
            return new CompletenessResult(Completeness.Incomplete, new string(' ', 4 * Math.Max(1, braceDepth.Value)));
        if (errors.Any(d => !IsAtEnd(d, root, end)))
            return new CompletenessResult(Completeness.Invalid);
        return errors.Count == 0
            ? new CompletenessResult(Completeness.Complete)
            : new CompletenessResult(Completeness.Incomplete, new string(' ', 4 * Math.Max(1, braceDepth.Value)));
    }

    // The number of braces left open, or null when a closer has no opener: no typing at the end can fix that.
    private static int? OpenBraceDepth(SyntaxNode root)
    {
        var depth = 0;
        var braceDepth = 0;
        foreach (var token in root.DescendantTokens(descendIntoTrivia: true))
        {
            if (token.IsMissing) continue;
            switch (token.Kind())
            {
                case SyntaxKind.OpenBraceToken: depth++; braceDepth++; break;
                case SyntaxKind.OpenParenToken or SyntaxKind.OpenBracketToken: depth++; break;
                case SyntaxKind.CloseBraceToken or SyntaxKind.CloseParenToken or SyntaxKind.CloseBracketToken:
                    if (--depth < 0) return null;
                    if (token.IsKind(SyntaxKind.CloseBraceToken)) braceDepth--;
                    break;
            }
        }
        return braceDepth;
    }

    // Missing tokens are reported just after the last real token, so an error from there on is one that typing
    // more could fix; so is an unterminated literal that runs to the end of the text (its error sits at its start).
    private static bool IsAtEnd(Diagnostic diagnostic, SyntaxNode root, int end)
    {
        var span = diagnostic.Location.SourceSpan;
        if (span.Start >= end) return true;
        var token = root.FindToken(span.Start, findInsideTrivia: true);
        return IsLiteralToken(token) && token.Span.End >= end;
    }

    private static bool IsLiteralToken(SyntaxToken token) => token.Kind() is SyntaxKind.StringLiteralToken
        or SyntaxKind.CharacterLiteralToken or SyntaxKind.Utf8StringLiteralToken
        or SyntaxKind.SingleLineRawStringLiteralToken or SyntaxKind.MultiLineRawStringLiteralToken
        or SyntaxKind.Utf8SingleLineRawStringLiteralToken or SyntaxKind.Utf8MultiLineRawStringLiteralToken
        or SyntaxKind.InterpolatedStringTextToken;

    private ProjectId? EnsureChain(Script script)
    {
        if (_projects.TryGetValue(script, out var known)) return known;
        var previous = script.Previous is { } earlier ? EnsureChain(earlier) : null;
        var compilation = script.GetCompilation();
        var projectId = ProjectId.CreateNewId(compilation.AssemblyName);
        _solution = _solution.AddProject(ProjectInfo.Create(projectId, VersionStamp.Create(), compilation.AssemblyName ?? "submission",
            compilation.AssemblyName ?? "submission", LanguageNames.CSharp, compilationOptions: compilation.Options, parseOptions: _parseOptions,
            metadataReferences: compilation.References.OfType<PortableExecutableReference>(), isSubmission: true, hostObjectType: null));
        if (previous is not null) _solution = _solution.AddProjectReference(projectId, new ProjectReference(previous));
        _solution = _solution.AddDocument(DocumentId.CreateNewId(projectId), "submission.csx", SourceText.From(script.Code));
        _projects.AddOrUpdate(script, projectId);
        return projectId;
    }

    public void Dispose() => _workspace.Dispose();
}
