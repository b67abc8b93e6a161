using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace NotebookNN.Kernel.Runner;

/// <summary>One part of a run split across machines: shard <see cref="Index"/> (1-based) of <see cref="Count"/>.</summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>Parses <c>I/N</c>, e.g. <c>2/4</c>.</summary>
    /// <exception cref="ArgumentException">The text is not I/N with 1 &lt;= I &lt;= N.</exception>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new ArgumentException($"--shard takes I/N, the shard's number and the number of shards, e.g. 2/4 (got '{text}').");
        if (count < 1 || index < 1 || index > count)
            throw new ArgumentException($"--shard {text}: the shard's number must be between 1 and the number of shards (e.g. 1/{Math.Max(count, 1)}).");
        return new Shard(index, count);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}

/// <summary>
/// Splits the notebooks of a run into shards that together cover every notebook exactly once. The split depends only
/// on the notebooks' names and the durations given, so every shard of a CI matrix computes the same one. With the
/// durations of a previous run (its JUnit reports), the longest notebooks are placed first, each on the shard with
/// the least work so far (longest-processing-time first); notebooks without a duration count as the median one.
/// </summary>
public static class Sharding
{
    /// <summary>The jobs of <paramref name="shard"/>, in the order of <paramref name="jobs"/>.</summary>
    public static IReadOnlyList<NotebookJob> Select(IReadOnlyList<NotebookJob> jobs, Shard shard, IReadOnlyDictionary<string, double>? durations = null) =>
        Partition(jobs, shard.Count, durations)[shard.Index - 1];

    /// <summary>All <paramref name="count"/> shards; each keeps the order of <paramref name="jobs"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<NotebookJob>> Partition(IReadOnlyList<NotebookJob> jobs, int count, IReadOnlyDictionary<string, double>? durations = null)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var known = jobs.Select(j => DurationOf(j, durations)).Where(d => d is not null).Select(d => d!.Value).Order().ToList();
        var typical = known.Count == 0 ? 1.0 : known[known.Count / 2];
        var order = jobs.Select((job, position) => (job, position, weight: DurationOf(job, durations) ?? typical))
            .OrderByDescending(j => j.weight).ThenBy(j => j.job.DisplayName, StringComparer.Ordinal).ThenBy(j => j.position);
        var loads = new double[count];
        var shards = Enumerable.Range(0, count).Select(_ => new List<(NotebookJob Job, int Position)>()).ToArray();
        foreach (var (job, position, weight) in order)
        {
            var lightest = 0;
            for (var s = 1; s < count; s++)
                if (loads[s] < loads[lightest]) lightest = s;
            loads[lightest] += weight;
            shards[lightest].Add((job, position));
        }
        return shards.Select(s => (IReadOnlyList<NotebookJob>)s.OrderBy(j => j.Position).Select(j => j.Job).ToList()).ToList();
    }

    /// <summary>
    /// Seconds per notebook from JUnit reports (<c>testcase</c> name and time), as <c>nnb run --junit</c> writes them.
    /// Keyed by the test case's name and by its file name, so a report from a run started in another folder still
    /// matches. A notebook in several reports keeps its last time.
    /// </summary>
    /// <exception cref="ArgumentException">A report is missing or is not JUnit XML.</exception>
    public static Dictionary<string, double> ReadDurations(IEnumerable<string> junitPaths)
    {
        ArgumentNullException.ThrowIfNull(junitPaths);
        var durations = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var path in junitPaths)
        {
            XDocument document;
            try
            {
                document = XDocument.Load(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
            {
                throw new ArgumentException($"--durations {path}: cannot read it as a JUnit report ({e.Message}). Pass the file a previous `nnb run --junit` wrote.");
            }
            var cases = document.Descendants("testcase").ToList();
            if (document.Root?.Name.LocalName is not ("testsuites" or "testsuite"))
                throw new ArgumentException($"--durations {path}: not a JUnit report (its root is <{document.Root?.Name.LocalName}>, expected <testsuites> or <testsuite>).");
            foreach (var testCase in cases)
            {
                var name = (string?)testCase.Attribute("name");
                if (name is null || !double.TryParse((string?)testCase.Attribute("time"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
                    continue;
                durations[name] = seconds;
                durations[FileName(name)] = seconds;
            }
        }
        return durations;
    }

    private static double? DurationOf(NotebookJob job, IReadOnlyDictionary<string, double>? durations)
    {
        if (durations is null) return null;
        if (durations.TryGetValue(job.DisplayName, out var seconds)) return seconds;
        return durations.TryGetValue(FileName(job.DisplayName), out seconds) ? seconds : null;
    }

    private static string FileName(string name) => name.Replace('\\', '/').Split('/')[^1];
}
