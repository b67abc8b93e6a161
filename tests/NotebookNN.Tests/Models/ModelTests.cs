using NotebookNN.Gradients;
using NotebookNN.Models;
using NotebookNN.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Models;

[Collection(TorchGlobalState.Name)]
public class ModelTests
{
    [Fact]
    public void Mlp_builds_the_keras_imdb_model_and_its_summary()
    {
        NN.Seed(1);
        var model = Mlp.Create([10000, 16, 16, 1], head: OutputHead.Sigmoid, init: WeightInit.Keras);

        var summary = ModelSummary.Of(model, zeros(2, 10000));

        Assert.Equal(
            ["dense_1", "relu_1", "dense_2", "relu_2", "dense_out", "sigmoid"],
            summary.Layers.Select(l => l.Name));
        Assert.Equal([160016L, 0, 272, 0, 17, 0], summary.Layers.Select(l => l.Parameters));
        Assert.Equal([2L, 16], summary.Layers[0].OutputShape!);
        Assert.Equal([2L, 1], summary.OutputShape);
        Assert.Equal(160305, summary.TotalParameters);
        Assert.Equal(160305, summary.TrainableParameters);
        Assert.Equal(160305 * 4, summary.ParameterBytes);
        // Keras initialisation: zero biases, Glorot-uniform weights within sqrt(6 / (fan_in + fan_out)).
        var dense = (TorchSharp.Modules.Linear)model.named_modules().Single(m => m.name == "dense_2").module;
        Assert.Equal(0.0, dense.bias!.abs().sum().item<float>());
        Assert.True(dense.weight!.abs().max().item<float>() <= Math.Sqrt(6.0 / 32));
    }

    [Fact]
    public void Frozen_parameters_are_counted_as_non_trainable()
    {
        var model = Mlp.Create([3, 4, 2]);
        foreach (var p in model.named_parameters().Where(p => p.name.StartsWith("dense_1", StringComparison.Ordinal)))
            p.parameter.requires_grad = false;
        var summary = ModelSummary.Of(model, zeros(1, 3));
        Assert.Equal(16 + 10, summary.TotalParameters);
        Assert.Equal(16, summary.NonTrainableParameters);
    }

    [Fact]
    public void A_single_unit_softmax_is_refused_unless_asked_for_and_then_outputs_exactly_one()
    {
        var e = Assert.Throws<ArgumentException>(() => Mlp.Create([4, 1], head: OutputHead.Softmax));
        Assert.Contains("softmax over one unit is always 1", e.Message);

        var model = Mlp.Create([4, 1], head: OutputHead.Softmax, allowSingleUnitSoftmax: true);
        using var output = model.call(randn(5, 4) * 10);
        Assert.True(output.eq(1.0f).all().item<bool>());
    }

    [Fact]
    public void Mnist_cnn_has_the_keras_parameter_count_and_scales_with_width()
    {
        NN.Seed(1);
        var full = MnistCnn.Create();
        var summary = ModelSummary.Of(full, zeros(2, 1, 28, 28));
        Assert.Equal(1_199_882, summary.TotalParameters);
        Assert.Equal([2L, 64, 24, 24], summary.Layers.Single(l => l.Name == "conv_2").OutputShape!);
        Assert.Equal([2L, 9216], summary.Layers.Single(l => l.Name == "flatten").OutputShape!);

        var narrow = MnistCnn.Create(width: 0.25);
        var narrowSummary = ModelSummary.Of(narrow, zeros(3, 1, 28, 28));
        // 8 and 16 channels, 32 hidden units: 80 + 1168 + (16*144*32 + 32) + 330.
        Assert.Equal(80 + 1168 + 73760 + 330, narrowSummary.TotalParameters);
        Assert.Equal([3L, 10], narrowSummary.OutputShape);
    }

    [Fact]
    public void Lstm_classifier_returns_per_sequence_or_per_step_outputs()
    {
        NN.Seed(2);
        var x = randn(4, 7, 3);
        var perSequence = new LstmClassifier(3, 5, 2);
        var perStep = new LstmClassifier(3, 5, 2, returnSequences: true);
        var bidirectional = new LstmClassifier(3, 5, 2, bidirectional: true, layers: 2);
        var tokens = new LstmClassifier(6, 5, 1, vocabularySize: 50, head: OutputHead.Sigmoid);

        Assert.Equal([4L, 2], perSequence.call(x).shape);
        Assert.Equal([4L, 7, 2], perStep.call(x).shape);
        Assert.Equal([4L, 2], bidirectional.call(x).shape);
        var p = tokens.call(randint(1, 50, [4, 9]));
        Assert.Equal([4L, 1], p.shape);
        Assert.True(p.gt(0).all().item<bool>() && p.lt(1).all().item<bool>());
        var e = Assert.Throws<ArgumentException>(() => perSequence.call(randn(4, 7)));
        Assert.Contains("unsqueeze(-1)", e.Message);
    }

    [Fact]
    public void Summary_of_an_lstm_model_reads_the_recurrent_layer_output()
    {
        var model = new LstmClassifier(8, 5, 2, vocabularySize: 30, returnSequences: true);
        var summary = ModelSummary.Of(model, randint(1, 30, [2, 7]));
        Assert.Equal(["embedding", "lstm", "output"], summary.Layers.Select(l => l.Name));
        Assert.Equal([2L, 7, 8], summary.Layers[0].OutputShape!);
        Assert.Equal([2L, 7, 5], summary.Layers[1].OutputShape!);
        Assert.Equal([2L, 7, 2], summary.OutputShape);
        // Keras' LSTM count 4(H(F + H) + H) plus PyTorch's second bias vector 4H.
        Assert.Equal(4 * (5 * (8 + 5) + 5) + 4 * 5, summary.Layers[1].Parameters);
        Assert.Equal(30 * 8 + summary.Layers[1].Parameters + 12, summary.TotalParameters);
    }

    [Fact]
    public void Lstm_classifier_last_step_equals_the_per_step_output_at_the_end()
    {
        NN.Seed(3);
        var perSequence = new LstmClassifier(3, 5, 2);
        var perStep = new LstmClassifier(3, 5, 2, returnSequences: true);
        perStep.load_state_dict(perSequence.state_dict());
        var x = randn(4, 6, 3);
        using var _ = no_grad();
        Assert.True(perSequence.call(x).allclose(perStep.call(x).select(1, 5), atol: 1e-6));
    }

    [Fact]
    public void BiLstm_tagger_logits_for_real_tokens_ignore_padding()
    {
        NN.Seed(4);
        var tagger = new BiLstmTagger(vocabularySize: 20, embeddingSize: 4, hiddenSize: 6, tags: 3);
        var shortPad = tensor(new long[,] { { 5, 7, 9, 0, 0 }, { 3, 4, 0, 0, 0 } });
        var longPad = cat([shortPad, zeros(2, 4, ScalarType.Int64)], 1);

        using var _ = no_grad();
        var a = tagger.call(shortPad);
        var b = tagger.call(longPad);

        Assert.Equal([2L, 5, 3], a.shape);
        Assert.Equal([2L, 9, 3], b.shape);
        Assert.True(a.allclose(b.narrow(1, 0, 5), atol: 1e-6));
        // The backward direction must start at the last real token: the second row's first token sees only two tokens.
        var alone = tagger.call(tensor(new long[,] { { 3, 4 } }));
        Assert.True(alone.allclose(a.narrow(0, 1, 1).narrow(1, 0, 2), atol: 1e-6));
        Assert.Equal(new[] { true, true, false, false, false }, tagger.Mask(shortPad)[1].data<bool>().ToArray());

        var e = Assert.Throws<ArgumentException>(() => tagger.call(tensor(new long[,] { { 0, 5, 6 } })));
        Assert.Contains("right-padded", e.Message);
    }

    [Fact]
    public void Time_aware_cell_gradients_match_central_differences()
    {
        NN.Seed(5);
        var cell = new TimeAwareLstmCell(inputSize: 3, hiddenSize: 4);
        cell.to(ScalarType.Float64);
        var x = randn(2, 3, ScalarType.Float64);
        var dt = rand(2, ScalarType.Float64) * 3;
        var h = randn(2, 4, ScalarType.Float64);
        var c = randn(2, 4, ScalarType.Float64);
        Tensor Loss()
        {
            var (h1, c1) = cell.Step(x, dt, h, c);
            var (h2, c2) = cell.Step(x * 0.5, dt + 1, h1, c1);
            return h2.square().sum() + c2.sum();
        }

        var results = GradientCheck.Parameters(cell, Loss);

        Assert.Equal(["weight_ih", "weight_hh", "bias", "time_weight"], results.Select(r => r.Parameter));
        Assert.All(results, r => Assert.True(r.Passes(1e-7, 1e-6), $"{r}"));
    }

    [Fact]
    public void Time_aware_forget_gate_forgets_after_a_long_gap()
    {
        NN.Seed(6);
        var cell = new TimeAwareLstmCell(inputSize: 2, hiddenSize: 3);
        using (no_grad()) cell.TimeWeight.fill_(-1.0);
        var x = randn(1, 2);
        var h = randn(1, 3);
        var memory = full(1, 3, 5.0f);
        var (_, cLongGap) = cell.Step(x, tensor(new[] { 100f }), h, memory);
        var (_, cNoMemory) = cell.Step(x, tensor(new[] { 100f }), h, zeros(1, 3));
        var (_, cShortGap) = cell.Step(x, tensor(new[] { 0f }), h, memory);
        Assert.True(cLongGap.allclose(cNoMemory, atol: 1e-6));
        Assert.False(cShortGap.allclose(cNoMemory, atol: 1e-2));
    }

    [Fact]
    public void Time_aware_layer_and_classifier_take_the_gap_as_the_last_channel()
    {
        NN.Seed(7);
        var layer = new TimeAwareLstm(inputSize: 2, hiddenSize: 4, returnSequences: true);
        var events = randn(3, 5, 2);
        var dt = rand(3, 5);
        var joined = cat([events, dt.unsqueeze(-1)], -1);
        using var _ = no_grad();
        Assert.True(layer.call(joined).equal(layer.Forward(events, dt)).all().item<bool>());
        Assert.Equal([3L, 5, 4], layer.call(joined).shape);
        var classifier = new TimeAwareLstmClassifier(2, 4, 1);
        Assert.Equal([3L, 1], classifier.call(joined).shape);
        var e = Assert.Throws<ArgumentException>(() => layer.call(events));
        Assert.Contains("time-gap channel", e.Message);
    }

    [Fact]
    public void Multi_task_model_concatenates_heads_and_splits_them_by_name()
    {
        NN.Seed(8);
        var model = MultiTaskModel.Create([6, 8], [("a", 1), ("b", 3), ("c", 1)]);
        var x = randn(4, 6);
        using var _ = no_grad();
        var output = model.call(x);
        var tasks = model.ForwardTasks(x);

        Assert.Equal(5, model.OutputWidth);
        Assert.Equal([4L, 5], output.shape);
        Assert.Equal(["a", "b", "c"], model.TaskNames);
        Assert.Equal((1, 3), model.TaskSlice("b"));
        Assert.True(tasks["b"].equal(output.narrow(1, 1, 3)).all().item<bool>());
        Assert.Equal([4L, 1], tasks["c"].shape);
        Assert.Throws<KeyNotFoundException>(() => model.TaskSlice("d"));
        Assert.Throws<ArgumentException>(() => MultiTaskModel.Create([6, 8], [("a", 1), ("a", 2)]));
    }

    [Fact]
    public void Activation_recorder_reads_and_penalises_an_inner_layer()
    {
        NN.Seed(9);
        var model = Mlp.Create([3, 5, 1]);
        using var recorder = new ActivationRecorder(model, "relu_1");
        var x = randn(6, 3);

        var output = model.call(x);
        var hidden = recorder["relu_1"];
        var penalty = recorder.Penalty("relu_1", 0.5);

        var dense1 = (TorchSharp.Modules.Linear)model.named_modules().Single(m => m.name == "dense_1").module;
        var expected = nn.functional.relu(dense1.call(x));
        Assert.True(hidden.allclose(expected));
        Assert.Equal(0.5 * expected.square().mean().item<float>(), penalty.item<float>(), 1e-6);
        Assert.Equal(0.5 * expected.abs().sum().item<float>(), recorder.Penalty("relu_1", 0.5, PenaltyKind.SumAbs).item<float>(), 1e-5);
        // The penalty trains the layers below it.
        (output.sum() * 0 + penalty).backward();
        Assert.True(dense1.weight!.grad!.abs().sum().item<float>() > 0);

        var e = Assert.Throws<ArgumentException>(() => new ActivationRecorder(model, "hidden"));
        Assert.Contains("dense_1", e.Message);
        recorder.Dispose();
        model.call(x);
        Assert.Throws<KeyNotFoundException>(() => recorder["relu_1"]);
    }
}
