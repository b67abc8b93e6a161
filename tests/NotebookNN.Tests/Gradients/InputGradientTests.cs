using NotebookNN.Gradients;
using NotebookNN.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Gradients;

public class InputGradientTests
{
    [Fact]
    public void Scalar_output_gradient_matches_the_analytic_derivative()
    {
        // y = (x - 5)^2 / 25, dy/dx = 2 (x - 5) / 25: -0.36 at x = 0.5.
        var x = tensor(new[] { 0.5, 2.0, 5.0, 9.0 }, ScalarType.Float64).unsqueeze(1);
        var g = InputGradients.OfScalarOutput(v => (v - 5).square() / 25, x);
        Assert.Equal([4L, 1], g.shape);
        Assert.Equal(new[] { -0.36, -0.24, 0.0, 0.32 }, g.squeeze(1).data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.False(x.requires_grad);
    }

    [Fact]
    public void Model_input_gradient_of_a_linear_model_is_its_weight()
    {
        var model = Mlp.Create([3, 1]);
        var x = randn(5, 3);
        var g = InputGradients.OfScalarOutput(model, x);
        var weight = model.parameters().First();
        Assert.True(g.allclose(weight.detach().expand(5, 3)));
    }

    [Fact]
    public void Jacobian_of_a_vector_function_matches_the_analytic_one()
    {
        var x = tensor(new[] { 0.7, -1.3 }, ScalarType.Float64);
        var j = InputGradients.Jacobian(v => stack([v[0] * v[1], v[0].sin(), v[1].square()]), x);
        var expected = tensor(new[,] { { -1.3, 0.7 }, { Math.Cos(0.7), 0 }, { 0, -2.6 } }, ScalarType.Float64);
        Assert.Equal([3L, 2], j.shape);
        Assert.True(j.allclose(expected, rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void Batch_jacobian_of_a_linear_layer_is_the_weight_for_every_sample()
    {
        var layer = nn.Linear(4, 3);
        var x = randn(6, 4);
        var j = InputGradients.BatchJacobian(layer.call, x);
        Assert.Equal([6L, 3, 4], j.shape);
        Assert.True(j.allclose(layer.weight!.detach().expand(6, 3, 4)));
    }

    [Fact]
    public void Numerical_gradient_agrees_with_autograd()
    {
        var x = tensor(new[] { 0.3, -2.0, 1.5 }, ScalarType.Float64);
        var numerical = InputGradients.Numerical(v => v.pow(3).sum() + v.prod(), x);
        var analytic = 3 * x.square() + tensor(new[] { -2.0 * 1.5, 0.3 * 1.5, 0.3 * -2.0 }, ScalarType.Float64);
        Assert.True(numerical.allclose(analytic, rtol: 1e-7, atol: 1e-7));
    }

    [Fact]
    public void A_vector_output_is_refused_by_the_scalar_form_with_a_pointer_to_jacobian()
    {
        var e = Assert.Throws<ArgumentException>(() => InputGradients.OfScalarOutput(v => v * 2, randn(3, 2)));
        Assert.Contains("Jacobian", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => InputGradients.Jacobian(v => v, tensor(new long[] { 1, 2 })));
        Assert.Contains("floating-point", e2.Message);
    }
}
