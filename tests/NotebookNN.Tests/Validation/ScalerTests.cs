using NotebookNN.Tests.Reference;
using NotebookNN.Validation;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Validation;

public class ScalerTests
{
    [Fact]
    public void Standard_scaler_matches_sklearn_and_inverts()
    {
        using var x = Ref.Tensor("validation.scalers.x");
        using var xNew = Ref.Tensor("validation.scalers.x_new");
        var s = new StandardScaler();
        using var fitted = s.FitTransform(x);
        Near.Values(Ref.Doubles("validation.scalers.standard.mean"), s.Mean, 1e-12, "mean");
        Near.Values(Ref.Doubles("validation.scalers.standard.var"), s.Variance, 1e-10, "var");
        Near.Values(Ref.Doubles("validation.scalers.standard.scale"), s.Scale, 1e-12, "scale");
        Assert.Equal(1.0, s.Scale[2]); // the constant feature
        Near.Tensor(Ref.Doubles("validation.scalers.standard.fit_transform"), fitted, 1e-10, "fit_transform");
        using var t = s.Transform(xNew);
        Near.Tensor(Ref.Doubles("validation.scalers.standard.transform"), t, 1e-10, "transform");
        using var back = s.InverseTransform(t);
        Near.Tensor(Ref.Doubles("validation.scalers.x_new"), back, 1e-12, "inverse");
    }

    [Fact]
    public void Min_max_scaler_matches_sklearn_for_both_ranges()
    {
        using var x = Ref.Tensor("validation.scalers.x");
        using var xNew = Ref.Tensor("validation.scalers.x_new");
        var m = new MinMaxScaler();
        m.Fit(x);
        Near.Values(Ref.Doubles("validation.scalers.minmax.data_min"), m.DataMin, 1e-12);
        Near.Values(Ref.Doubles("validation.scalers.minmax.data_max"), m.DataMax, 1e-12);
        Near.Values(Ref.Doubles("validation.scalers.minmax.scale"), m.Scale, 1e-12);
        Near.Values(Ref.Doubles("validation.scalers.minmax.min"), m.Offset, 1e-12);
        using var t = m.Transform(xNew);
        Near.Tensor(Ref.Doubles("validation.scalers.minmax.transform"), t, 1e-10);
        using var back = m.InverseTransform(t);
        Near.Tensor(Ref.Doubles("validation.scalers.x_new"), back, 1e-12);
        var r = new MinMaxScaler(-1, 2);
        using var tr = r.Fit(x).Transform(xNew);
        Near.Tensor(Ref.Doubles("validation.scalers.minmax_range.transform"), tr, 1e-10);
    }

    [Fact]
    public void A_scaled_target_error_converts_to_original_units_by_the_scale_alone()
    {
        // Q26: RMSE in dollars = sqrt(scaled MSE) * sigma(y); the mean never enters.
        using var y = tensor(new[] { 210_000.0, 340_000.0, 515_000.0, 180_000.0, 760_000.0 });
        using var yHat = tensor(new[] { 250_000.0, 300_000.0, 480_000.0, 200_000.0, 700_000.0 });
        var s = new StandardScaler();
        using var ys = s.FitTransform(y);
        using var yHatS = s.Transform(yHat);
        Assert.Equal(y.shape, ys.shape);
        double scaledMse = (ys - yHatS).pow(2).mean().item<double>();
        double rmse = Math.Sqrt((y - yHat).pow(2).mean().item<double>());
        Assert.Equal(rmse, Math.Sqrt(scaledMse) * s.Scale[0], 1e-6 * rmse);
        using var mseTensor = tensor(new[] { scaledMse });
        double naive = Math.Sqrt(s.InverseTransform(mseTensor).item<double>());
        Assert.True(Math.Abs(naive - rmse) > 0.01 * rmse, "the naive inverse transform of the MSE should be wrong");
    }

    [Fact]
    public void The_variance_keeps_its_last_bits_when_the_mean_is_large_against_the_spread()
    {
        // 1e14 + [-96, -32, 32, 98] * 2^-6 (all exact doubles). scikit-learn 1.2's StandardScaler gives var_
        // 1.27362060546875 by its corrected two-pass formula; the plain mean of squared deviations gives
        // 1.273681640625 (relative error 4.8e-5), because the rounding error of the mean is not removed.
        double[] offsets = [-96, -32, 32, 98];
        using var x = tensor(offsets.Select(d => 1e14 + d * Math.Pow(2, -6)).ToArray()).reshape(4, 1);
        var s = new StandardScaler();
        s.Fit(x);
        Assert.Equal(1.27362060546875, s.Variance[0]);
        Assert.Equal(1e14, s.Mean[0]);
        Assert.Equal(Math.Sqrt(1.27362060546875), s.Scale[0]);
        // The same column in a wider table with an ordinary column beside it: columns do not interact.
        using var wide = cat([x, tensor(new[] { 1.0, 2.0, 3.0, 4.0 }).reshape(4, 1)], 1);
        var w = new StandardScaler();
        w.Fit(wide);
        Assert.Equal([1.27362060546875, 1.25], w.Variance);
    }

    [Fact]
    public void Float32_data_stay_float32()
    {
        using var x = Ref.Tensor("validation.scalers.x", ScalarType.Float32);
        var s = new StandardScaler();
        using var z = s.FitTransform(x);
        Assert.Equal(ScalarType.Float32, z.dtype);
        Near.Tensor(Ref.Doubles("validation.scalers.standard.fit_transform"), z, 1e-5);
    }

    [Fact]
    public void Scaler_errors_name_the_mistake()
    {
        using var x = zeros(4, 3);
        Assert.Contains("call Fit", Assert.Throws<InvalidOperationException>(() => new StandardScaler().Transform(x)).Message);
        var s = new StandardScaler().Fit(x);
        using var other = zeros(4, 2);
        Assert.Contains("fitted on 3", Assert.Throws<ArgumentException>(() => s.Transform(other)).Message);
        using var images = zeros(2, 3, 4);
        Assert.Contains("flatten", Assert.Throws<ArgumentException>(() => new MinMaxScaler().Fit(images)).Message);
        Assert.Contains("low < high", Assert.Throws<ArgumentException>(() => new MinMaxScaler(1, 1)).Message);
        using var ints = zeros(4, 2, ScalarType.Int64);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => new StandardScaler().Fit(ints)).Message);
    }
}
