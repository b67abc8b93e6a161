using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Interactive.Magics;

/// <summary>A device's description for <c>#!nn-device</c>: its name and memory.</summary>
internal static class DeviceReport
{
    /// <summary>One line about <paramref name="device"/>: name, memory, and for the CPU the torch thread count.</summary>
    public static string Describe(Device device)
    {
        if (device.type == DeviceType.CUDA)
        {
            int index = Math.Max(0, device.index);
            string gpu = QueryNvidiaSmi(index) ?? "GPU name and memory unavailable (nvidia-smi not found)";
            return $"cuda:{index}: {gpu}; {torch.cuda.device_count()} CUDA device(s) visible";
        }
        var gc = GC.GetGCMemoryInfo();
        return string.Create(CultureInfo.InvariantCulture,
            $"cpu: {Environment.ProcessorCount} logical cores, {Gib(gc.TotalAvailableMemoryBytes)} memory available to the process, torch uses {torch.get_num_threads()} threads; CUDA {(torch.cuda.is_available() ? "available" : "not available")}");
    }

    static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB";

    /// <summary>Name and memory from nvidia-smi (TorchSharp exposes neither), or null when it cannot run.</summary>
    static string? QueryNvidiaSmi(int index)
    {
        try
        {
            var start = new ProcessStartInfo("nvidia-smi", $"--query-gpu=name,memory.total,memory.used --format=csv,noheader,nounits -i {index}")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            using var process = Process.Start(start);
            if (process is null) return null;
            string line = process.StandardOutput.ReadToEnd().Trim();
            if (!process.WaitForExit(5000) || process.ExitCode != 0 || line.Length == 0) return null;
            var parts = line.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length < 3 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double total)
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double used))
                return parts[0];
            return string.Create(CultureInfo.InvariantCulture, $"{parts[0]}, {total / 1024:0.0} GiB total, {(total - used) / 1024:0.0} GiB free");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
