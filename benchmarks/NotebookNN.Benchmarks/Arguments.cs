using System.Globalization;

namespace NotebookNN.Benchmarks;

/// <summary>The workload's <c>--name value</c> options, with errors that say what to pass.</summary>
sealed class Arguments
{
    readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= list.Count)
                throw new ArgumentException($"Expected '--name value' pairs, got '{list[i]}'.");
            _values[list[i][2..]] = list[++i];
        }
    }

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var v) ? int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;

    public string Text(string name, string fallback) => _values.TryGetValue(name, out var v) ? v : fallback;
}
