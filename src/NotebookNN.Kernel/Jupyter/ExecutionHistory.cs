using System.Text;
using System.Text.RegularExpressions;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>One stored cell: its line number (the execution count), its source and the text of its result.</summary>
public sealed record HistoryEntry(int Session, int Line, string Input, string? Output);

/// <summary>
/// The in-memory input history of this kernel process, answering history_request's three access types the way
/// IPython's history manager does: tail (the last n cells), range (lines [start, stop) of a session) and search
/// (a glob pattern, newest last, optionally unique). Only the current session is kept; it is session 1.
/// </summary>
public sealed class ExecutionHistory
{
    /// <summary>The number this process's session reports in history replies.</summary>
    public const int CurrentSession = 1;

    private readonly List<HistoryEntry> _entries = [];
    private readonly Lock _lock = new();

    /// <summary>Stores a cell that ran with <c>store_history</c>; <paramref name="line"/> is its execution count.</summary>
    public void Add(int line, string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        lock (_lock)
            _entries.Add(new HistoryEntry(CurrentSession, line, input, null));
    }

    /// <summary>Records the text/plain result of the cell stored at <paramref name="line"/>.</summary>
    public void SetOutput(int line, string output)
    {
        lock (_lock)
        {
            int index = _entries.FindLastIndex(e => e.Line == line);
            if (index >= 0)
                _entries[index] = _entries[index] with { Output = output };
        }
    }

    /// <summary>The last <paramref name="n"/> entries, oldest first.</summary>
    public IReadOnlyList<HistoryEntry> Tail(int n)
    {
        if (n < 0)
            throw new ArgumentOutOfRangeException(nameof(n), n, "The number of history entries must be zero or more.");
        lock (_lock)
            return _entries.Skip(Math.Max(0, _entries.Count - n)).ToArray();
    }

    /// <summary>
    /// Lines [<paramref name="start"/>, <paramref name="stop"/>) of <paramref name="session"/>. Session 0 (and
    /// negative offsets that land on it) mean the current session; stop 0 or less means "to the end", as in IPython.
    /// </summary>
    public IReadOnlyList<HistoryEntry> Range(int session, int start, int stop)
    {
        if (session != 0 && session != CurrentSession)
            return [];
        lock (_lock)
            return _entries.Where(e => e.Line >= start && (stop <= 0 || e.Line < stop)).ToArray();
    }

    /// <summary>
    /// Entries whose input matches the glob <paramref name="pattern"/> (<c>*</c>, <c>?</c>, <c>[...]</c>; the whole
    /// input must match, as in IPython), the last <paramref name="n"/> of them when n is given, oldest first;
    /// with <paramref name="unique"/> each distinct input once (its newest occurrence).
    /// </summary>
    public IReadOnlyList<HistoryEntry> Search(string pattern, int? n, bool unique)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = GlobToRegex(pattern);
        List<HistoryEntry> matches;
        lock (_lock)
            matches = _entries.Where(e => regex.IsMatch(e.Input)).ToList();
        if (unique)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var newestFirst = new List<HistoryEntry>();
            for (int i = matches.Count - 1; i >= 0; i--)
                if (seen.Add(matches[i].Input))
                    newestFirst.Add(matches[i]);
            newestFirst.Reverse();
            matches = newestFirst;
        }
        if (n is { } count && count >= 0 && matches.Count > count)
            matches = matches.GetRange(matches.Count - count, count);
        return matches;
    }

    /// <summary>A glob as an anchored regex: <c>*</c> any run, <c>?</c> one character, <c>[...]</c> a class.</summary>
    public static Regex GlobToRegex(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[':
                    int close = pattern.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        regex.Append(@"\[");
                        break;
                    }
                    string body = pattern[(i + 1)..close];
                    regex.Append('[');
                    regex.Append(body.StartsWith('!') ? "^" + Regex.Escape(body[1..]) : Regex.Escape(body));
                    regex.Append(']');
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        regex.Append('$');
        return new Regex(regex.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }
}
