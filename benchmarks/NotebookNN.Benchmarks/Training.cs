using NotebookNN.Data;
using NotebookNN.Models;
using NotebookNN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Benchmarks;

/// <summary>
/// Row 1-2: epochs of the IMDB MLP (10000-16-16-1, RMSprop, batch 512) or the CPU-sized MNIST CNN (width 0.25,
/// Adam, batch 128), through the library's <see cref="Trainer.Fit(Tensor, Tensor, FitOptions?)"/> ("fit") or the
/// hand-written loop a TorchSharp user would write ("loop"). The first epoch is the warm-up; every epoch's time and
/// the resident memory after it are reported, so growth from epoch to epoch shows.
/// </summary>
static class Training
{
    public static Dictionary<string, object> Run(string variant, Arguments options)
    {
        if (variant is not ("fit" or "loop")) throw new ArgumentException($"Unknown training side '{variant}': use fit or loop.");
        string model = options.Text("model", "imdb");
        int epochs = options.Int("epochs", 2), samples = options.Int("samples", model == "imdb" ? 25000 : 10000);
        if (epochs < 2) throw new ArgumentException("--epochs must be at least 2 (the first is the warm-up).");
        var (x, y, net, loss, optimizer, batch) = Setup(model, samples);
        var seconds = new List<double>();
        var rss = new List<long>();
        var trainer = new Trainer(net, loss, optimizer);
        using var generator = new Generator(7);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            seconds.Add(Measure.Seconds(() =>
            {
                if (variant == "fit") trainer.Fit(x, y, new FitOptions { Epochs = 1, BatchSize = batch, Seed = 7 + epoch });
                else HandLoop(net, loss, optimizer, x, y, batch, generator);
            }));
            GC.Collect();
            rss.Add(Measure.StatusKb("VmRSS"));
        }
        return new Dictionary<string, object>
        {
            ["seconds"] = seconds.Skip(1).ToArray(),
            ["warmup_seconds"] = seconds[0],
            ["rss_after_epoch_kb"] = rss.ToArray(),
            ["samples"] = x.shape[0],
        };
    }

    /// <summary>Index, forward, loss, backward, step per batch in a dispose scope; the loss summed on the device.</summary>
    static double HandLoop(nn.Module<Tensor, Tensor> net, Func<Tensor, Tensor, Tensor> loss, optim.Optimizer optimizer,
        Tensor x, Tensor y, int batch, Generator generator)
    {
        net.train();
        long n = x.shape[0];
        using var epochScope = NewDisposeScope();
        var order = randperm(n, generator: generator);
        var total = zeros(1);
        for (long start = 0; start < n; start += batch)
        {
            using var scope = NewDisposeScope();
            var index = order.narrow(0, start, Math.Min(batch, n - start));
            var xb = x.index_select(0, index);
            var yb = y.index_select(0, index);
            optimizer.zero_grad();
            var value = loss(net.call(xb), yb);
            value.backward();
            optimizer.step();
            total.add_(value.detach() * xb.shape[0]);
        }
        return total.item<float>() / n;
    }

    static (Tensor X, Tensor Y, nn.Module<Tensor, Tensor> Net, Func<Tensor, Tensor, Tensor> Loss, optim.Optimizer Optimizer, int Batch)
        Setup(string model, int samples)
    {
        manual_seed(1);
        if (model == "imdb")
        {
            var reviews = Imdb.Load(DataSplit.Train, samples);
            var x = Imdb.MultiHot(reviews.Sequences);
            var y = reviews.LabelTensor().reshape(-1, 1);
            var net = Mlp.Create([Imdb.VocabularySize, 16, 16, 1]);
            return (x, y, net, (p, t) => nn.functional.binary_cross_entropy_with_logits(p, t),
                optim.RMSProp(net.parameters(), lr: 0.001), 512);
        }
        if (model == "mnist")
        {
            var data = Mnist.Load(DataSplit.Train, samples);
            var net = MnistCnn.Create(width: 0.25);
            return (data.Features, data.Labels, net, (p, t) => nn.functional.cross_entropy(p, t),
                optim.Adam(net.parameters(), lr: 0.001), 128);
        }
        throw new ArgumentException($"Unknown model '{model}': use imdb or mnist.");
    }
}
