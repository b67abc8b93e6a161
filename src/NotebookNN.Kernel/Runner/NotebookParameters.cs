using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NotebookNN.Kernel.Notebooks;

namespace NotebookNN.Kernel.Runner;

/// <summary>One <c>-p name=value</c> parameter. The value is the text after the first <c>=</c>.</summary>
public sealed record NotebookParameter(string Name, string Value)
{
    /// <summary>Parses <c>name=value</c>; the name must be a C# identifier.</summary>
    /// <exception cref="ArgumentException">The text is not <c>name=value</c> or the name is no C# identifier.</exception>
    public static NotebookParameter Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
            throw new ArgumentException($"Parameter '{text}' is not name=value; write it like -p epochs=5 or -p device=cpu.");
        var name = text[..equals].Trim();
        if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
            throw new ArgumentException($"Parameter name '{name}' is not a C# identifier; use the name of a variable in the notebook's parameters cell.");
        return new NotebookParameter(name, text[(equals + 1)..]);
    }
}

/// <summary>
/// Papermill-style parameters: a new cell tagged <c>injected-parameters</c> goes right after the cell tagged
/// <c>parameters</c> (at the top when there is none) and redeclares each parameter, so later cells see the new values.
/// </summary>
public static class NotebookParameters
{
    public const string ParametersTag = "parameters";
    public const string InjectedTag = "injected-parameters";

    /// <summary>
    /// Inserts the injected-parameters cell into <paramref name="notebook"/> (replacing one from an earlier run) and
    /// returns it; null when there are no parameters.
    /// </summary>
    /// <exception cref="ArgumentException">A value does not fit the type the parameters cell declares for it.</exception>
    public static NotebookCell? Inject(Notebook notebook, IReadOnlyList<NotebookParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0) return null;

        notebook.Cells.RemoveAll(c => c.HasTag(InjectedTag));
        var parametersIndex = notebook.Cells.FindIndex(c => c.Kind == CellKind.Code && c.HasTag(ParametersTag));
        var declared = parametersIndex >= 0 ? DeclaredTypes(notebook.Cells[parametersIndex].Source) : new Dictionary<string, string>();

        var source = new StringBuilder("// Parameters\n");
        foreach (var parameter in parameters)
            source.Append(Declaration(parameter, declared.GetValueOrDefault(parameter.Name))).Append('\n');

        var insertAt = parametersIndex + 1;
        var cell = new NotebookCell(CellKind.Code, source.ToString().TrimEnd('\n'));
        cell.Id = NotebookIds.NewId(notebook, insertAt, cell.Source);
        cell.AddTag(InjectedTag);
        notebook.Cells.Insert(insertAt, cell);
        return cell;
    }

    /// <summary>
    /// The C# line for one parameter: with the type the parameters cell declares (the value written as a literal of
    /// that type), else <c>var</c> with the literal's inferred type: int, long, double, bool, or string.
    /// </summary>
    public static string Declaration(NotebookParameter parameter, string? declaredType)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (declaredType is null || declaredType == "var")
            return $"var {parameter.Name} = {InferredLiteral(parameter.Value)};";
        var literal = TypedLiteral(declaredType, parameter.Value)
                      ?? throw new ArgumentException(
                          $"Parameter {parameter.Name}={parameter.Value}: the parameters cell declares '{declaredType} {parameter.Name}', " +
                          $"and '{parameter.Value}' is not a {declaredType} value. Pass a value of that type.");
        return $"{declaredType} {parameter.Name} = {literal};";
    }

    /// <summary>The value as a C# literal of the narrowest type it reads as: int, long, double, bool, else string.</summary>
    public static string InferredLiteral(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"') return StringLiteral(text[1..^1]);
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
            return i.ToString(CultureInfo.InvariantCulture);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return l.ToString(CultureInfo.InvariantCulture) + "L";
        if (TryParseDouble(text, out var d)) return DoubleLiteral(d);
        if (bool.TryParse(text, out var b)) return b ? "true" : "false";
        return StringLiteral(value);
    }

    /// <summary>The value as a literal of <paramref name="type"/>; null when it does not fit. Types nnb does not know
    /// get the inferred literal (the compiler then judges it).</summary>
    private static string? TypedLiteral(string type, string value)
    {
        var text = value.Trim();
        var invariant = CultureInfo.InvariantCulture;
        switch (type.Replace("System.", "", StringComparison.Ordinal))
        {
            case "int" or "Int32":
                return int.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var i) ? i.ToString(invariant) : null;
            case "long" or "Int64":
                return long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var l) ? l.ToString(invariant) + "L" : null;
            case "short" or "Int16" or "byte" or "Byte" or "sbyte" or "SByte" or "ushort" or "UInt16":
                return long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var s) ? $"({type}){s.ToString(invariant)}" : null;
            case "uint" or "UInt32":
                return uint.TryParse(text, NumberStyles.None, invariant, out var u) ? u.ToString(invariant) + "U" : null;
            case "ulong" or "UInt64":
                return ulong.TryParse(text, NumberStyles.None, invariant, out var ul) ? ul.ToString(invariant) + "UL" : null;
            case "double" or "Double":
                return TryParseDouble(text, out var d) ? DoubleLiteral(d) : null;
            case "float" or "Single":
                return float.TryParse(text, NumberStyles.Float, invariant, out var f) && float.IsFinite(f) ? f.ToString("R", invariant) + "f" : null;
            case "decimal" or "Decimal":
                return decimal.TryParse(text, NumberStyles.Number, invariant, out var m) ? m.ToString(invariant) + "m" : null;
            case "bool" or "Boolean":
                return bool.TryParse(text, out var b) ? (b ? "true" : "false") : null;
            case "string" or "String" or "string?" or "String?":
                return StringLiteral(text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : value);
            case "char" or "Char":
                return text.Length == 1 ? SymbolDisplay.FormatLiteral(text[0], quote: true) : null;
            default:
                return InferredLiteral(value);
        }
    }

    /// <summary>The declared type of each variable in a parameters cell (<c>var</c> where it says var).</summary>
    public static Dictionary<string, string> DeclaredTypes(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script));
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<VariableDeclarationSyntax>())
        {
            // Only the cell's own top-level variables, not locals inside lambdas or methods.
            if (declaration.Parent is not (FieldDeclarationSyntax or LocalDeclarationStatementSyntax { Parent: GlobalStatementSyntax }))
                continue;
            foreach (var variable in declaration.Variables)
                types[variable.Identifier.ValueText] = declaration.Type.ToString();
        }
        return types;
    }

    private static bool TryParseDouble(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static string DoubleLiteral(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    private static string StringLiteral(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
}
