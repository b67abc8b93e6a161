using NotebookNN.Data;
using NotebookNN.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Training;

/// <summary>
/// The fit / evaluate / predict loop for any <c>nn.Module&lt;Tensor, Tensor&gt;</c>, in the spirit of Keras'
/// <c>model.fit</c>: mini-batches, seeded shuffling, a validation split or set, per-epoch history of the loss and
/// metrics, early stopping and progress events.
/// </summary>
/// <remarks>
/// <para>The loss is called as <c>loss(prediction, target)</c> (PyTorch's input-then-target order) and must return a
/// scalar; metrics are called the same way on a whole epoch's predictions and targets, so a mean-type metric such as
/// accuracy equals Keras' epoch value, and a ranking metric (AUC) is computed over the epoch, not averaged per batch.
/// The reported epoch loss is the mean of the batch losses weighted by batch size, as Keras reports it.</para>
/// <para>Per batch the loop does only what a hand-written TorchSharp loop does (index, forward, loss, backward, step);
/// the loss is summed on the device and read once per epoch, and each batch runs in its own dispose scope so memory
/// does not grow with the number of batches.</para>
/// </remarks>
public sealed class Trainer
{
    readonly Func<Tensor, Tensor, Tensor> _loss;
    readonly optim.Optimizer _optimizer;
    readonly IReadOnlyList<KeyValuePair<string, Func<Tensor, Tensor, double>>> _metrics;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The model; its parameters must already be on <paramref name="device"/> (move it before
    /// creating the optimizer, which holds the parameters).</param>
    /// <param name="loss">The loss, <c>loss(prediction, target)</c>, returning a scalar tensor.</param>
    /// <param name="optimizer">The optimizer over the model's parameters.</param>
    /// <param name="metrics">Named metrics, <c>metric(prediction, target)</c>, recorded per epoch (and as val_* on
    /// validation data).</param>
    /// <param name="device">Where training runs; <see cref="NN.Device"/> when null.</param>
    public Trainer(nn.Module<Tensor, Tensor> model, Func<Tensor, Tensor, Tensor> loss, optim.Optimizer optimizer,
        IReadOnlyDictionary<string, Func<Tensor, Tensor, double>>? metrics = null, Device? device = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model), "Pass the model to train.");
        _loss = loss ?? throw new ArgumentNullException(nameof(loss), "Pass a loss function loss(prediction, target).");
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer),
            "Pass an optimizer over the model's parameters, e.g. torch.optim.Adam(model.parameters()).");
        Device = device ?? NN.Device;
        _metrics = (metrics ?? new Dictionary<string, Func<Tensor, Tensor, double>>()).ToList();
        foreach (var (name, fn) in _metrics)
        {
            if (string.IsNullOrWhiteSpace(name) || name.StartsWith("val_", StringComparison.Ordinal) || name == "loss")
                throw new ArgumentException(
                    $"Metric name '{name}' is not allowed: names must be non-empty, not 'loss' and not start with 'val_' " +
                    "(the trainer adds that prefix for validation values).", nameof(metrics));
            if (fn is null) throw new ArgumentException($"Metric '{name}' has no function.", nameof(metrics));
        }
        CheckModelDevice();
    }

    /// <summary>The model being trained.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>The device training and inference run on.</summary>
    public Device Device { get; }

    /// <summary>Raised after batches (when asked for in <see cref="FitOptions"/>) and after every epoch.</summary>
    public event Action<TrainingProgress>? Progress;

    /// <summary>
    /// Trains the model on (<paramref name="x"/>, <paramref name="y"/>), whose first dimension is the sample, and
    /// returns the per-epoch history. Every module is left in the training mode it had before the call.
    /// </summary>
    public History Fit(Tensor x, Tensor y, FitOptions? options = null)
    {
        options ??= new FitOptions();
        ValidateData(x, y, "x", "y");
        ValidateOptions(options);
        using var modes = ModeScope.Save(Model);
        var history = new History();
        using var fitScope = NewDisposeScope();
        var (xTrain, yTrain, validation) = SplitValidation(x, y, options);
        xTrain = xTrain.to(Device);
        yTrain = yTrain.to(Device);
        if (validation is { } v) validation = (v.X.to(Device), v.Y.to(Device));

        long n = xTrain.shape[0];
        int batches = (int)((n + options.BatchSize - 1) / options.BatchSize);
        using var generator = NN.NewGenerator(options.Seed);
        var stopper = options.EarlyStopping is null ? null : new StopperState(options.EarlyStopping);
        var live = FitProgress.Start(options);
        try
        {
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                var row = RunEpoch(epoch, xTrain, yTrain, n, batches, generator, options, live);
                if (validation is { } val)
                    foreach (var (name, value) in EvaluateCore(val.X, val.Y, options.ValidationBatchSize))
                        row["val_" + name] = value;
                history.Add(row);
                var progress = new TrainingProgress(ProgressKind.EpochEnd, epoch, options.Epochs, batches, batches, row["loss"], row);
                live?.Epoch(progress);
                Progress?.Invoke(progress);
                if (stopper is not null && stopper.Update(epoch, row, Model))
                {
                    history.StoppedEpoch = epoch;
                    break;
                }
            }
            if (stopper is not null)
            {
                history.BestEpoch = stopper.BestEpoch;
                history.RestoredBestWeights = stopper.RestoreIfAsked(Model);
            }
            live?.Finish();
        }
        finally
        {
            stopper?.Dispose();
        }
        return history;
    }

    /// <summary>Trains on a loaded dataset's features and labels; see <see cref="Fit(Tensor, Tensor, FitOptions?)"/>.</summary>
    public History Fit(LabeledData data, FitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.Features, data.Labels, options);
    }

    /// <summary>Evaluates on a loaded dataset's features and labels; see <see cref="Evaluate(Tensor, Tensor, int)"/>.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(LabeledData data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Evaluate(data.Features, data.Labels, batchSize);
    }

    /// <summary>
    /// The loss and metrics of the model on (<paramref name="x"/>, <paramref name="y"/>) in evaluation mode (dropout
    /// off, batch-norm running statistics), under Keras' names (<c>loss</c>, then the metric names).
    /// </summary>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 256)
    {
        ValidateData(x, y, "x", "y");
        Checks.AtLeast(batchSize, 1, nameof(batchSize));
        using var modes = ModeScope.Save(Model);
        using var scope = NewDisposeScope();
        return EvaluateCore(x.to(Device), y.to(Device), batchSize);
    }

    /// <summary>
    /// The model's outputs for <paramref name="x"/> in evaluation mode, computed in batches without gradients and
    /// concatenated along the first dimension, on <see cref="Device"/>.
    /// </summary>
    public Tensor Predict(Tensor x, int batchSize = 256)
    {
        Checks.NotEmpty(x, nameof(x));
        Checks.AtLeast(batchSize, 1, nameof(batchSize));
        using var modes = ModeScope.Save(Model);
        using var scope = NewDisposeScope();
        Model.eval();
        return scope.MoveToOuter(PredictCore(x.to(Device), batchSize));
    }

    Dictionary<string, double> RunEpoch(int epoch, Tensor x, Tensor y, long n, int batches, Generator generator,
        FitOptions options, FitProgress.Reporter? live)
    {
        using var epochScope = NewDisposeScope();
        Model.train();
        var order = (options.Shuffle ? randperm(n, generator: generator) : arange(n)).to(Device);
        var lossSum = zeros(1, ScalarType.Float64, Device);
        var kept = _metrics.Count > 0 ? new List<(Tensor Pred, Tensor Target)>(batches) : null;
        for (int b = 0; b < batches; b++)
        {
            long start = (long)b * options.BatchSize;
            long size = Math.Min(options.BatchSize, n - start);
            using (var batchScope = NewDisposeScope())
            {
                var index = order.narrow(0, start, size);
                var xb = x.index_select(0, index);
                var yb = y.index_select(0, index);
                _optimizer.zero_grad();
                var prediction = Model.call(xb);
                var loss = _loss(prediction, yb);
                if (loss.numel() != 1)
                    throw new InvalidOperationException(
                        $"The loss returned shape {Checks.Shape(loss)}, but training needs one number per batch: " +
                        "reduce it (e.g. .mean()) inside the loss function.");
                loss.backward();
                _optimizer.step();
                // One fused kernel: the float64 sum takes loss * batch size without a device sync.
                lossSum.add_(loss.detach().reshape(1), alpha: size);
                if (kept is not null) kept.Add(batchScope.MoveToOuter(prediction.detach(), yb));
            }
            ReportBatch(epoch, b, batches, start + size, lossSum, options);
            live?.Batch(epoch, b + 1, batches);
        }
        var row = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = lossSum.item<double>() / n };
        if (kept is not null)
            AddMetrics(row, cat(kept.Select(k => k.Pred).ToArray()), cat(kept.Select(k => k.Target).ToArray()), "");
        return row;
    }

    void ReportBatch(int epoch, int batch, int batches, long seen, Tensor lossSum, FitOptions options)
    {
        if (Progress is null || options.ProgressEveryBatches <= 0) return;
        bool due = (batch + 1) % options.ProgressEveryBatches == 0 || batch == batches - 1;
        if (!due) return;
        double? loss = options.ReportBatchLoss ? lossSum.item<double>() / seen : null;
        Progress.Invoke(new TrainingProgress(ProgressKind.BatchEnd, epoch, options.Epochs, batch + 1, batches, loss,
            new Dictionary<string, double>()));
    }

    Dictionary<string, double> EvaluateCore(Tensor x, Tensor y, int batchSize)
    {
        using var scope = NewDisposeScope();
        Model.eval();
        using var noGrad = no_grad();
        long n = x.shape[0];
        var lossSum = zeros(1, ScalarType.Float64, Device);
        var predictions = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
        {
            long size = Math.Min(batchSize, n - start);
            var prediction = Model.call(x.narrow(0, start, size));
            var loss = _loss(prediction, y.narrow(0, start, size));
            if (loss.numel() != 1)
                throw new InvalidOperationException(
                    $"The loss returned shape {Checks.Shape(loss)}, but evaluation needs one number per batch: " +
                    "reduce it (e.g. .mean()) inside the loss function.");
            lossSum.add_(loss.reshape(1), alpha: size);
            predictions.Add(prediction);
        }
        var row = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = lossSum.item<double>() / n };
        if (_metrics.Count > 0) AddMetrics(row, cat(predictions.ToArray()), y, "");
        return row;
    }

    Tensor PredictCore(Tensor x, int batchSize)
    {
        using var noGrad = no_grad();
        long n = x.shape[0];
        var outputs = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
            outputs.Add(Model.call(x.narrow(0, start, Math.Min(batchSize, n - start))));
        return outputs.Count == 1 ? outputs[0] : cat(outputs.ToArray());
    }

    void AddMetrics(Dictionary<string, double> row, Tensor predictions, Tensor targets, string prefix)
    {
        using var noGrad = no_grad();
        foreach (var (name, metric) in _metrics)
            row[prefix + name] = metric(predictions, targets);
    }

    static (Tensor X, Tensor Y, (Tensor X, Tensor Y)? Validation) SplitValidation(Tensor x, Tensor y, FitOptions options)
    {
        if (options.ValidationData is { } data)
        {
            ValidateData(data.X, data.Y, "ValidationData.X", "ValidationData.Y");
            return (x, y, data);
        }
        if (options.ValidationSplit <= 0) return (x, y, null);
        long n = x.shape[0];
        // Keras: split_at = int(n * (1 - validation_split)); the tail is held out.
        long trainCount = (long)(n * (1.0 - options.ValidationSplit));
        if (trainCount < 1 || trainCount >= n)
            throw new ArgumentException(
                $"ValidationSplit {Checks.Num(options.ValidationSplit)} of {n} samples leaves {trainCount} for training and " +
                $"{n - trainCount} for validation; both need at least one. Use a split between 1/n and 1 - 1/n, or pass ValidationData.",
                nameof(options));
        return (x.narrow(0, 0, trainCount), y.narrow(0, 0, trainCount),
            (x.narrow(0, trainCount, n - trainCount), y.narrow(0, trainCount, n - trainCount)));
    }

    static void ValidateData(Tensor? x, Tensor? y, string xName, string yName)
    {
        Checks.NotEmpty(Checks.NotNull(x, xName), xName);
        Checks.NotEmpty(Checks.NotNull(y, yName), yName);
        if (x!.dim() == 0) throw new ArgumentException($"'{xName}' is a scalar: pass a batch with the sample on the first axis.", xName);
        Checks.SameBatch(x, y!, xName, yName);
    }

    static void ValidateOptions(FitOptions options)
    {
        Checks.AtLeast(options.Epochs, 1, nameof(options.Epochs));
        Checks.AtLeast(options.BatchSize, 1, nameof(options.BatchSize));
        Checks.AtLeast(options.ValidationBatchSize, 1, nameof(options.ValidationBatchSize));
        Checks.AtLeast(options.ProgressEveryBatches, 0, nameof(options.ProgressEveryBatches));
        if (!(options.ValidationSplit >= 0 && options.ValidationSplit < 1))
            throw new ArgumentOutOfRangeException(nameof(options.ValidationSplit), options.ValidationSplit,
                "ValidationSplit must be in [0, 1): the fraction of samples (the last ones) held out for validation.");
        if (options.EarlyStopping is { } es)
        {
            Checks.AtLeast(es.Patience, 0, nameof(es.Patience));
            Checks.NonNegative(es.MinDelta, nameof(es.MinDelta));
            if (string.IsNullOrWhiteSpace(es.Monitor))
                throw new ArgumentException("EarlyStopping.Monitor is empty: name a history series such as val_loss.", nameof(options));
            if (es.Monitor.StartsWith("val_", StringComparison.Ordinal) && options.ValidationData is null && options.ValidationSplit <= 0)
                throw new ArgumentException(
                    $"EarlyStopping monitors '{es.Monitor}', but there is no validation data: set ValidationSplit or " +
                    "ValidationData, or monitor a training series such as 'loss'.", nameof(options));
        }
    }

    void CheckModelDevice()
    {
        foreach (var (name, parameter) in Model.named_parameters())
        {
            if (parameter.device.type != Device.type || (Device.index >= 0 && parameter.device.index != Device.index))
                throw new ArgumentException(
                    $"Parameter '{name}' is on {parameter.device}, but training runs on {Device}: move the model first " +
                    "(model.to(NN.Device)) and then create the optimizer, which must hold the moved parameters.",
                    nameof(Model));
        }
    }

    // Early stopping bookkeeping; owns the best weights' copies and frees them when training ends.
    sealed class StopperState(EarlyStopping rule) : IDisposable
    {
        double _best = double.NaN;
        int _wait;
        Dictionary<string, Tensor>? _bestWeights;

        public int? BestEpoch { get; private set; }

        public bool Update(int epoch, IReadOnlyDictionary<string, double> row, nn.Module model)
        {
            if (!row.TryGetValue(rule.Monitor, out double current))
                throw new InvalidOperationException(
                    $"EarlyStopping monitors '{rule.Monitor}', which this fit does not record. Recorded: " +
                    $"{string.Join(", ", row.Keys)}.");
            _wait++;
            if (double.IsNaN(_best) || rule.IsImprovement(current, _best))
            {
                _best = current;
                BestEpoch = epoch;
                _wait = 0;
                if (rule.RestoreBestWeights) Snapshot(model);
            }
            return _wait >= rule.Patience && epoch > 0;
        }

        public bool RestoreIfAsked(nn.Module model)
        {
            if (!rule.RestoreBestWeights || _bestWeights is null) return false;
            using var noGrad = no_grad();
            foreach (var (name, tensor) in model.state_dict())
                tensor.copy_(_bestWeights[name]);
            return true;
        }

        void Snapshot(nn.Module model)
        {
            DisposeWeights();
            var copies = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            using var noGrad = no_grad();
            foreach (var (name, tensor) in model.state_dict())
            {
                var copy = tensor.detach().clone();
                // The copy outlives the epoch's dispose scope; this object frees it.
                copy.DetachFromDisposeScope();
                copies[name] = copy;
            }
            _bestWeights = copies;
        }

        void DisposeWeights()
        {
            if (_bestWeights is null) return;
            foreach (var t in _bestWeights.Values) t.Dispose();
            _bestWeights = null;
        }

        public void Dispose() => DisposeWeights();
    }
}
