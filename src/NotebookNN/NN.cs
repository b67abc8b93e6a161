using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN;

/// <summary>
/// Process-wide defaults every part of the library reads: the device models and tensors go to, and the seed
/// that makes shuffles, initialisations and dropout repeat. The notebook magics (<c>#!nn-device</c>,
/// <c>#!nn-seed</c>, <c>#!nn-threads</c>) set these; library code never keeps its own copy.
/// </summary>
public static class NN
{
    static Device _device = CPU;
    static int _seed = 42;
    static Random _random = new(42);

    /// <summary>The default device for models and data. CPU unless <see cref="UseDevice"/> chose another.</summary>
    public static Device Device => _device;

    /// <summary>The last seed given to <see cref="Seed"/> (42 before any call).</summary>
    public static int CurrentSeed => _seed;

    /// <summary>The library's shared .NET random source (shuffles, splits), reseeded by <see cref="Seed"/>.</summary>
    public static Random Random => _random;

    /// <summary>Seeds torch (CPU and CUDA), the library's shuffles and splits, and returns the seed.</summary>
    public static int Seed(int seed)
    {
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
        _seed = seed;
        _random = new Random(seed);
        return seed;
    }

    /// <summary>
    /// Chooses the default device: <c>"auto"</c> (CUDA when available, else CPU), <c>"cpu"</c>, <c>"cuda"</c> or
    /// <c>"cuda:N"</c>. Asking for CUDA where none is available is an error that says so.
    /// </summary>
    public static Device UseDevice(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string s = spec.Trim().ToLowerInvariant();
        Device device;
        if (s is "auto")
            device = torch.cuda.is_available() ? CUDA : CPU;
        else if (s is "cpu")
            device = CPU;
        else if (s == "cuda" || s.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
                throw new ArgumentException(
                    $"Device '{spec}' was asked for, but CUDA is not available in this process " +
                    "(the CPU build of TorchSharp is loaded, or no GPU is visible). Use 'cpu' or 'auto', or build with -p:TorchBackend=cuda on a machine with a GPU.");
            int index = 0;
            if (s.Length > 4 && !int.TryParse(s.AsSpan(5), out index))
                throw new ArgumentException($"Device '{spec}' is not valid: write cuda:N with N a GPU index.");
            int count = torch.cuda.device_count();
            if (index < 0 || index >= count)
                throw new ArgumentException($"Device '{spec}' does not exist: this machine has {count} CUDA device(s), numbered 0 to {count - 1}.");
            device = torch.device(DeviceType.CUDA, index);
        }
        else
            throw new ArgumentException($"Device '{spec}' is not known: use auto, cpu, cuda or cuda:N.");
        _device = device;
        return device;
    }

    /// <summary>Whether a CUDA device is usable in this process (the CUDA build of TorchSharp and a visible GPU).</summary>
    public static bool CudaAvailable => torch.cuda.is_available();

    /// <summary>The number of intra-op CPU threads torch uses.</summary>
    public static int Threads => torch.get_num_threads();

    /// <summary>
    /// A new CPU torch generator for the library's shuffles, seeded with <paramref name="seed"/>, or with a draw from
    /// <see cref="Random"/> when null (so it repeats after <see cref="Seed"/> without repeating between calls).
    /// </summary>
    public static Generator NewGenerator(int? seed = null) => new((ulong)(uint)(seed ?? Random.Next()), CPU);

    /// <summary>
    /// One line describing the settings, for a notebook's first output: device, seed, threads, CUDA and the
    /// TorchSharp version.
    /// </summary>
    public static string Describe()
    {
        string cuda = CudaAvailable
            ? $"CUDA available ({torch.cuda.device_count().ToString(System.Globalization.CultureInfo.InvariantCulture)} device(s))"
            : "CUDA not available";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"device {Device}, seed {CurrentSeed}, {Threads} CPU thread(s), {cuda}, TorchSharp {typeof(torch).Assembly.GetName().Version}");
    }

    /// <summary>Sets the number of intra-op CPU threads torch uses.</summary>
    public static void SetThreads(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "The thread count must be at least 1.");
        torch.set_num_threads(threads);
    }
}
