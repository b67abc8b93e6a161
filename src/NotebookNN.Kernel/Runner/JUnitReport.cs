using System.Globalization;
using System.Xml.Linq;

namespace NotebookNN.Kernel.Runner;

/// <summary>
/// The results of a run as JUnit XML (the format CI systems show as test results): one test case per notebook, a
/// failure element with the failing cell's source and error for each failed one.
/// </summary>
public static class JUnitReport
{
    public const string SuiteName = "nnb run";

    public static XDocument Build(IReadOnlyList<NotebookJobResult> results, DateTimeOffset startedAt)
    {
        ArgumentNullException.ThrowIfNull(results);
        var failures = results.Count(r => r.Status == NotebookRunStatus.Failed);
        var seconds = Seconds(results.Aggregate(TimeSpan.Zero, (total, r) => total + r.Elapsed));
        var suite = new XElement("testsuite",
            new XAttribute("name", SuiteName),
            new XAttribute("tests", results.Count),
            new XAttribute("failures", failures),
            new XAttribute("errors", 0),
            new XAttribute("skipped", 0),
            new XAttribute("time", seconds),
            new XAttribute("timestamp", startedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            results.Select(TestCase));
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites",
                new XAttribute("name", SuiteName),
                new XAttribute("tests", results.Count),
                new XAttribute("failures", failures),
                new XAttribute("time", seconds),
                suite));
    }

    /// <summary>Writes the report to <paramref name="path"/> (atomically, creating the folder).</summary>
    public static void Write(string path, IReadOnlyList<NotebookJobResult> results, DateTimeOffset startedAt)
    {
        var document = Build(results, startedAt);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        document.Save(writer);
        // StringWriter declares utf-16; the file is UTF-8, so say so.
        var text = writer.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal) + "\n";
        Notebooks.NotebookFile.WriteAtomically(path, text);
    }

    private static XElement TestCase(NotebookJobResult result)
    {
        var element = new XElement("testcase",
            new XAttribute("classname", "notebooks"),
            new XAttribute("name", result.Job.DisplayName),
            new XAttribute("file", result.Job.InputPath),
            new XAttribute("time", Seconds(result.Elapsed)));
        if (result.Status == NotebookRunStatus.Failed)
        {
            var type = result.Failure?.Error.EName ?? "NotebookError";
            var body = result.Failure?.Describe() ?? result.Message ?? "The notebook failed.";
            element.Add(new XElement("failure",
                new XAttribute("message", result.Message ?? "The notebook failed."),
                new XAttribute("type", type),
                body));
        }
        if (result.SavedPath is not null)
            element.Add(new XElement("system-out", $"executed copy: {result.SavedPath}; cells run: {result.CellsRun}/{result.CodeCells}"));
        return element;
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
