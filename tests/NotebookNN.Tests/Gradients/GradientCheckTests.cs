using NotebookNN.Gradients;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Gradients;

public class GradientCheckTests
{
    [Fact]
    public void A_gradient_that_misses_a_path_is_caught()
    {
        var layer = nn.Linear(3, 2).to(ScalarType.Float64);
        var x = randn(4, 3, ScalarType.Float64);
        // Correct: d/dW sum(y^2). Wrong: half of the dependence hidden from autograd by detach().
        var right = GradientCheck.Parameters(layer, () => layer.call(x).square().sum());
        var wrong = GradientCheck.Parameters(layer, () => { var y = layer.call(x); return (y * y.detach()).sum(); });

        Assert.All(right, r => Assert.True(r.Passes(), $"{r}"));
        Assert.All(wrong, r => Assert.False(r.Passes(), $"{r}"));
        Assert.Equal(1.0 / 3, wrong[0].MaxRelativeError, 1e-4);
    }

    [Fact]
    public void Float32_parameters_are_refused_with_the_fix()
    {
        var layer = nn.Linear(2, 1);
        var e = Assert.Throws<ArgumentException>(() => GradientCheck.Parameters(layer, () => layer.call(ones(1, 2)).sum()));
        Assert.Contains("torch.float64", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => GradientCheck.Parameters(layer, () => layer.call(ones(1, 2)).sum(), only: ["nope"]));
        Assert.Contains("weight", e2.Message);
    }
}
