using System.Runtime.CompilerServices;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Completion;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.QuickInfo;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Tags;
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
        var items = list.ItemsList
            .Where(item => item.FilterText.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && !IsNoise(item))
            .Select(item => (Text: item.Properties.TryGetValue("InsertionText", out var insertion) && !string.IsNullOrEmpty(insertion) ? insertion : item.DisplayText,
                Kind: KindOf(item)))
            .DistinctBy(item => item.Text, StringComparer.Ordinal)
            .OrderBy(item => item.Text.StartsWith(prefix, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(item => item.Text, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new CompletionResult(items.Select(i => i.Text).ToList(), span.Start, Math.Max(span.End, cursor), items.Select(i => i.Kind).ToList());
    }

    /// <summary>
    /// Items a Jupyter front end can only insert as their bare text, which is wrong: snippets (after <c>xs.</c>
    /// Roslyn offers the postfix templates <c>for</c>, <c>foreach</c>, <c>forr</c>, which only an editor that
    /// expands templates can use) and indexers (listed as <c>this</c>, which cannot follow a dot).
    /// </summary>
    private static bool IsNoise(CompletionItem item) =>
        item.Tags.Contains(WellKnownTags.Snippet) || item.Properties.TryGetValue("Kind", out var kind) && kind == "Indexer";

    /// <summary>
    /// The kind of a completion in the vocabulary IPython (jedi) uses in <c>_jupyter_types_experimental</c>, which
    /// JupyterLab shows as the item's icon: function, class, module, keyword, property, instance, param.
    /// </summary>
    private static string KindOf(CompletionItem item)
    {
        foreach (var tag in item.Tags)
        {
            switch (tag)
            {
                case WellKnownTags.Method or WellKnownTags.ExtensionMethod: return "function";
                case WellKnownTags.Class or WellKnownTags.Structure or WellKnownTags.Interface or WellKnownTags.Enum
                    or WellKnownTags.Delegate or WellKnownTags.TypeParameter or "Record" or "RecordStruct": return "class";
                case WellKnownTags.Namespace: return "module";
                case WellKnownTags.Keyword: return "keyword";
                case WellKnownTags.Property or WellKnownTags.Event: return "property";
                case WellKnownTags.Parameter: return "param";
                case WellKnownTags.Local or WellKnownTags.Field or WellKnownTags.Constant or WellKnownTags.EnumMember
                    or WellKnownTags.RangeVariable: return "instance";
            }
        }
        return "text";
    }

    /// <summary>
    /// What Shift+Tab shows. Inside a call's parentheses that is the method being called (as IPython describes the
    /// function whose arguments the cursor is in), otherwise the symbol at the cursor. Detail level 0: its signature
    /// and summary; level 1 adds the parameters, return value, exceptions and remarks of its documentation, and the
    /// other overloads.
    /// </summary>
    public async Task<string?> InspectAsync(Document document, int cursor, int detailLevel, CancellationToken cancellationToken)
    {
        var service = QuickInfoService.GetService(document);
        if (service is null) return null;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var callee = root is null ? null : CalleePosition(root, cursor);
        // Front ends send the cursor just after the word; quick info wants a position inside it.
        var positions = callee is { } inCall ? [inCall] : new[] { cursor, cursor - 1 }.Where(p => p >= 0).Distinct();
        foreach (var position in positions)
        {
            var info = await service.GetQuickInfoAsync(document, position, cancellationToken).ConfigureAwait(false);
            if (info is null || info.Sections.Length == 0) continue;
            var text = string.Join("\n", info.Sections
                .Select(section => string.Concat(section.TaggedParts.Select(part => part.Text)).Trim())
                .Where(section => section.Length > 0));
            if (text.Length == 0) continue;
            if (detailLevel >= 1 && await DetailsAsync(document, position, cancellationToken).ConfigureAwait(false) is { Length: > 0 } details)
                text += "\n\n" + details;
            return text;
        }
        return null;
    }

    /// <summary>The start of the name of the method (or type, for <c>new T(</c>) whose argument list holds the cursor.</summary>
    private static int? CalleePosition(SyntaxNode root, int cursor)
    {
        var token = root.FindToken(Math.Max(0, Math.Min(cursor, root.FullSpan.End - 1)));
        foreach (var list in token.Parent?.AncestorsAndSelf().OfType<ArgumentListSyntax>() ?? [])
        {
            var inside = list.OpenParenToken.Span.End <= cursor && (list.CloseParenToken.IsMissing || cursor <= list.CloseParenToken.SpanStart);
            if (!inside) continue;
            SyntaxNode? callee = list.Parent switch
            {
                InvocationExpressionSyntax invocation => invocation.Expression switch
                {
                    MemberAccessExpressionSyntax member => member.Name,
                    var expression => expression,
                },
                ObjectCreationExpressionSyntax creation => creation.Type,
                _ => null,
            };
            if (callee is not null) return callee.Span.Start;
        }
        return null;
    }

    /// <summary>Level-1 inspect text: the documentation's parameters, returns, exceptions and remarks, and the
    /// other overloads of a method.</summary>
    private static async Task<string> DetailsAsync(Document document, int position, CancellationToken cancellationToken)
    {
        var symbol = await SymbolFinder.FindSymbolAtPositionAsync(document, position, cancellationToken).ConfigureAwait(false);
        if (symbol is null) return "";
        var sections = new List<string>();
        if (DocumentationSections(symbol.GetDocumentationCommentXml(cancellationToken: cancellationToken)) is { Length: > 0 } documented)
            sections.Add(documented);
        if (symbol is IMethodSymbol method && method.ContainingType is { } type)
        {
            var overloads = type.GetMembers(method.Name).OfType<IMethodSymbol>()
                .Where(other => !SymbolEqualityComparer.Default.Equals(other.OriginalDefinition, method.OriginalDefinition))
                .Select(other => "  " + other.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat))
                .ToList();
            if (overloads.Count > 0)
                sections.Add("Other overloads:\n" + string.Join("\n", overloads));
        }
        return string.Join("\n\n", sections);
    }

    private static string DocumentationSections(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml)) return "";
        XElement member;
        try
        {
            member = XElement.Parse(xml);
        }
        catch (XmlException)
        {
            // Malformed documentation in a referenced package: show none rather than fail the request.
            return "";
        }
        var lines = new List<string>();
        void Section(string title, IEnumerable<string> entries)
        {
            var list = entries.Where(entry => entry.Length > 0).ToList();
            if (list.Count == 0) return;
            lines.Add(title + ":");
            lines.AddRange(list.Select(entry => "  " + entry));
        }
        Section("Parameters", member.Elements("param").Select(p => $"{(string?)p.Attribute("name")}: {DocText(p)}"));
        Section("Type parameters", member.Elements("typeparam").Select(p => $"{(string?)p.Attribute("name")}: {DocText(p)}"));
        Section("Returns", member.Elements("returns").Select(DocText));
        Section("Exceptions", member.Elements("exception").Select(e => $"{CrefName((string?)e.Attribute("cref"))}: {DocText(e)}"));
        Section("Remarks", member.Elements("remarks").Select(DocText));
        return string.Join("\n", lines);
    }

    /// <summary>The text of a documentation element, with <c>see</c>/<c>paramref</c> references by name and
    /// whitespace collapsed.</summary>
    private static string DocText(XElement element)
    {
        var text = string.Concat(element.Nodes().Select(node => node switch
        {
            XText t => t.Value,
            XElement e when e.Attribute("cref") is { } cref => CrefName(cref.Value),
            XElement e when e.Attribute("langword") is { } word => word.Value,
            XElement e when e.Attribute("name") is { } name => name.Value,
            XElement e => e.Value,
            _ => "",
        }));
        return string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    // "T:System.ArgumentException" -> "ArgumentException", "M:System.Math.Sqrt(System.Double)" -> "Math.Sqrt".
    private static string CrefName(string? cref)
    {
        if (string.IsNullOrEmpty(cref)) return "";
        var name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        var paren = name.IndexOf('(');
        if (paren >= 0) name = name[..paren];
        var parts = name.Split('.');
        return cref.StartsWith("T:", StringComparison.Ordinal) || parts.Length < 2 ? parts[^1] : $"{parts[^2]}.{parts[^1]}";
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
