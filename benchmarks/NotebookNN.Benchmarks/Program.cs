using NotebookNN.Benchmarks;
using static TorchSharp.torch;

// nnbench WORKLOAD VARIANT [--name value ...]: runs one workload once (warm-up included) and prints one
// "RESULT {json}" line. The driver, benchmarks/bench.py, alternates processes and computes the statistics.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: nnbench train imdb|mnist fit|loop | mcdropout batched|looped | format text|html [--threads N] ...");
    return 2;
}
var options = new Arguments(args.Skip(2));
int threads = options.Int("threads", Environment.ProcessorCount);
set_num_threads(threads);
set_num_interop_threads(1);
try
{
    var result = args[0] switch
    {
        "train" => Training.Run(args[1], options),
        "mcdropout" => McDropoutBench.Run(args[1], options),
        "format" => Formatting.Run(args[1], options),
        _ => throw new ArgumentException($"Unknown workload '{args[0]}': use train, mcdropout or format."),
    };
    result["threads"] = get_num_threads();
    Measure.Emit(result);
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
