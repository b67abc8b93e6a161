using static TorchSharp.torch;

namespace NotebookNN.Models;

/// <summary>
/// Works around a libtorch 2.10 CPU defect that TorchSharp 0.107 ships: <c>nn.LSTM</c> computes wrong outputs when
/// autograd's grad mode is off (inside <c>torch.no_grad()</c>, where Predict and Evaluate run). Measured here: on a
/// 2→3 LSTM over 7 steps the no-grad output is off by 0.26, while grad mode matches the LSTM equations to 6e-8, also
/// with frozen parameters. Every LSTM call in the library goes through <see cref="Run"/>: the LSTM runs with grad mode
/// on, and when the caller had it off the result is detached, so no graph outlives the call.
/// </summary>
internal static class LstmGradMode
{
    public static Tensor Run(Func<Tensor> lstmCall)
    {
        if (is_grad_enabled()) return lstmCall();
        Tensor result;
        using (enable_grad())
            result = lstmCall();
        if (!result.requires_grad) return result;
        var detached = result.detach();
        result.Dispose();
        return detached;
    }
}
