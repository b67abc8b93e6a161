using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace NotebookNN.Benchmarks;

/// <summary>Clock, memory and output helpers shared by every workload.</summary>
static class Measure
{
    /// <summary>Seconds taken by <paramref name="action"/>.</summary>
    public static double Seconds(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>A kB field of /proc/self/status (VmRSS now, VmHWM the peak), read from the kernel so that native
    /// libtorch memory counts, not only the managed heap.</summary>
    public static long StatusKb(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"/proc/self/status has no {field} line; these benchmarks need Linux.");
    }

    /// <summary>Prints the result as the single JSON line the driver (benchmarks/bench.py) reads.</summary>
    public static void Emit(Dictionary<string, object> result)
    {
        result["peak_rss_kb"] = StatusKb("VmHWM");
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
    }
}
