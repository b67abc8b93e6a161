using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;

namespace NotebookNN.Kernel.Engine;

/// <summary>A cell the engine compiled: its number in the session and the code as compiled (directive lines blanked,
/// so line numbers are the cell's).</summary>
internal sealed record SubmittedCell(int Number, string Code);

/// <summary>
/// Turns compile diagnostics and exceptions into the error outputs a person reads. Tracebacks carry ANSI colour as
/// ipykernel's do (front ends render it; <see cref="AnsiText.Strip"/> gives the plain text): the exception type and
/// compiler errors in red, where it happened in green, and under each frame in a cell the line that failed,
/// marked with an arrow as IPython marks it.
/// </summary>
internal static partial class ErrorFormatting
{
    public const string CompilationErrorName = "CompilationError";

    /// <summary>Namespaces (and type-name prefixes) of frames that are the engine's or the runtime's plumbing.</summary>
    private static readonly string[] InternalPrefixes =
    [
        "Microsoft.CodeAnalysis.",
        "NotebookNN.Kernel.Engine.",
        "System.Runtime.CompilerServices.",
        "System.Runtime.ExceptionServices.",
        "System.Threading.ExecutionContext",
        "System.Threading.Tasks.",
        "System.Runtime.ControlledExecution",
    ];

    /// <summary>
    /// "(line,col): error CSxxxx: message" per error, line and column 1-based inside the cell (the value, plain);
    /// the traceback adds colour and, under each error, the cell's line with a caret under the column.
    /// </summary>
    public static ErrorOutput CompilationError(IEnumerable<Diagnostic> diagnostics)
    {
        var errors = diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .DistinctBy(FormatDiagnostic)
            .ToList();
        var traceback = new List<string>();
        foreach (var diagnostic in errors)
        {
            var position = diagnostic.Location.GetLineSpan().StartLinePosition;
            traceback.Add(string.Create(CultureInfo.InvariantCulture,
                $"{AnsiText.Green($"({position.Line + 1},{position.Character + 1})")}: {AnsiText.Red($"error {diagnostic.Id}")}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}"));
            if (diagnostic.Location.SourceTree?.GetText().Lines is { } lines && position.Line < lines.Count)
            {
                var (marker, code) = MarkedLine(position.Line + 1, lines[position.Line].ToString());
                traceback.Add(marker + code);
                traceback.Add(new string(' ', AnsiText.Strip(marker).Length + Math.Min(position.Character, code.Length)) + AnsiText.Red("^"));
            }
        }
        return new ErrorOutput(CompilationErrorName, string.Join('\n', errors.Select(FormatDiagnostic)), traceback);
    }

    /// <summary>IPython's mark for the line that failed: a green arrow and the line number, then the line.</summary>
    private static (string Marker, string Code) MarkedLine(int lineNumber, string code) =>
        (AnsiText.Green("----> ") + AnsiText.Cyan(lineNumber.ToString(CultureInfo.InvariantCulture)) + " ", code.TrimEnd());

    public static string FormatDiagnostic(Diagnostic diagnostic)
    {
        var position = diagnostic.Location.GetLineSpan().StartLinePosition;
        return string.Create(CultureInfo.InvariantCulture,
            $"({position.Line + 1},{position.Character + 1}): error {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}");
    }

    /// <summary>An exception from user code: its type, message and the frames of user code.</summary>
    /// <param name="cellOfSubmission">The cell a submission class (<c>Submission#N</c>) was compiled from.</param>
    public static ErrorOutput RuntimeError(Exception exception, Func<string, SubmittedCell?> cellOfSubmission)
    {
        var traceback = new List<string> { Headline(exception) };
        traceback.AddRange(UserFrames(exception, cellOfSubmission));
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
            traceback.Add($" ---> {Headline(inner)}");
        return new ErrorOutput(exception.GetType().Name, exception.Message, traceback);
    }

    private static string Headline(Exception exception) => $"{AnsiText.Red(exception.GetType().Name)}: {exception.Message}";

    private static IEnumerable<string> UserFrames(Exception exception, Func<string, SubmittedCell?> cellOfSubmission)
    {
        var frames = new StackTrace(exception, fNeedFileInfo: true).GetFrames();
        var described = frames
            .Select(frame => (Frame: frame, Method: frame.GetMethod()))
            .Where(f => f.Method is not null)
            .Select(f => (f.Frame, Method: f.Method!, Outer: OutermostType(f.Method!.DeclaringType)))
            .ToList();

        // Frames below the outermost submission frame are the engine calling the cell: drop them.
        var lastUser = described.FindLastIndex(f => IsSubmission(f.Outer));
        var kept = lastUser >= 0 ? described.Take(lastUser + 1) : described;

        foreach (var (frame, method, outer) in kept)
        {
            if (IsSubmission(outer))
            {
                var cell = cellOfSubmission(outer!.Name);
                yield return SubmissionFrame(frame, method, cell);
                if (FailingLine(frame, cell) is { } marked)
                    yield return marked;
            }
            else if (!IsInternal(method))
                yield return $"   at {OrdinaryMethodName(method)}{FileSuffix(frame)}";
        }
    }

    private static Type? OutermostType(Type? type)
    {
        while (type?.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private static bool IsSubmission(Type? type) => type is not null && type.Name.StartsWith("Submission#", StringComparison.Ordinal);

    private static bool IsInternal(MethodBase method)
    {
        var name = method.DeclaringType?.FullName ?? "";
        return InternalPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));
    }

    private static string SubmissionFrame(StackFrame frame, MethodBase method, SubmittedCell? cell)
    {
        var where = cell is { } known ? $"cell {known.Number.ToString(CultureInfo.InvariantCulture)}" : "an earlier cell";
        var line = frame.GetFileLineNumber();
        var lineText = line > 0 ? $", line {line.ToString(CultureInfo.InvariantCulture)}" : "";
        return $"   at {UserMemberName(method)} in {AnsiText.Green(where + lineText)}";
    }

    /// <summary>The cell's line the frame stopped at, marked; null when the line is unknown or blank.</summary>
    private static string? FailingLine(StackFrame frame, SubmittedCell? cell)
    {
        var line = frame.GetFileLineNumber();
        if (cell is null || line <= 0)
            return null;
        var lines = cell.Code.Split('\n');
        if (line > lines.Length || lines[line - 1].Trim().Length == 0)
            return null;
        var (marker, code) = MarkedLine(line, lines[line - 1]);
        return "   " + marker + code;
    }

    /// <summary>The name a person wrote for the code of a frame: a method, a lambda in it, or the cell's top level.</summary>
    private static string UserMemberName(MethodBase method)
    {
        var typeName = method.DeclaringType?.Name ?? "";
        var stateMachine = StateMachineName().Match(typeName);
        if (method.Name == "MoveNext" && stateMachine.Success)
            return Friendly(stateMachine.Groups[1].Value);
        var lambda = LambdaName().Match(method.Name);
        if (lambda.Success)
            return $"lambda in {Friendly(lambda.Groups[1].Value)}";
        var owner = method.DeclaringType is { } declaring && !IsSubmission(declaring) && !declaring.Name.StartsWith('<')
            ? declaring.Name + "."
            : "";
        return $"{owner}{method.Name}({Parameters(method)})";
    }

    private static string Friendly(string generatedName) => generatedName == "<Initialize>" ? "top-level code" : generatedName;

    private static string OrdinaryMethodName(MethodBase method) =>
        $"{method.DeclaringType?.FullName?.Replace('+', '.')}.{method.Name}({Parameters(method)})";

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => $"{p.ParameterType.Name} {p.Name}"));

    private static string FileSuffix(StackFrame frame)
    {
        var file = frame.GetFileName();
        var line = frame.GetFileLineNumber();
        return string.IsNullOrEmpty(file) || line <= 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" in {file}:line {line}");
    }

    [GeneratedRegex(@"^<(.+)>d__\d+")]
    private static partial Regex StateMachineName();

    [GeneratedRegex(@"^<(.+)>b__")]
    private static partial Regex LambdaName();
}
