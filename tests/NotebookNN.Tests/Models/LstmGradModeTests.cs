using NotebookNN.Models;
using NotebookNN.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Models;

/// <summary>TorchSharp 0.107's nn.LSTM is wrong with grad mode off; the library's LSTM models must not be.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class LstmGradModeTests
{
    static float MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void LstmClassifier_gives_the_same_outputs_with_and_without_grad_mode(bool returnSequences, bool bidirectional)
    {
        torch.manual_seed(4);
        using var model = new LstmClassifier(2, 6, 3, layers: 2, bidirectional: bidirectional, returnSequences: returnSequences);
        using var x = torch.randn(4, 9, 2);
        using var withGrad = model.call(x);
        using var noGradScope = torch.no_grad();
        using var noGrad = model.call(x);
        Assert.True(MaxDiff(withGrad, noGrad) < 1e-6, $"difference {MaxDiff(withGrad, noGrad)}");
        Assert.False(noGrad.requires_grad);
    }

    [Fact]
    public void BiLstmTagger_gives_the_same_outputs_with_and_without_grad_mode()
    {
        torch.manual_seed(5);
        using var tagger = new BiLstmTagger(vocabularySize: 20, embeddingSize: 4, hiddenSize: 5, tags: 3);
        using var tokens = torch.tensor(new long[,] { { 3, 4, 5, 6, 0, 0 }, { 7, 8, 9, 10, 11, 12 } });
        using var withGrad = tagger.call(tokens);
        using var noGradScope = torch.no_grad();
        using var noGrad = tagger.call(tokens);
        Assert.True(MaxDiff(withGrad, noGrad) < 1e-6, $"difference {MaxDiff(withGrad, noGrad)}");
        Assert.False(noGrad.requires_grad);
    }
}
