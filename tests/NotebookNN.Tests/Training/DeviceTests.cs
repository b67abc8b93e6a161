using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Training;

[Collection(TorchGlobalState.Name)]
public class DeviceTests
{
    [Fact]
    public void Generators_repeat_after_seeding_and_describe_names_the_settings()
    {
        NN.Seed(21);
        using var a = NN.NewGenerator();
        var first = randperm(20, generator: a);
        NN.Seed(21);
        using var b = NN.NewGenerator();
        Assert.True(first.eq(randperm(20, generator: b)).all().item<bool>());
        using var fixedSeed = NN.NewGenerator(5);
        Assert.Equal(5, fixedSeed.initial_seed());

        string text = NN.Describe();
        Assert.Contains("device cpu", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("seed 21", text);
        Assert.Contains($"{NN.Threads} CPU thread(s)", text);
        Assert.Equal(torch.cuda.is_available(), NN.CudaAvailable);
    }

    [Fact]
    public void Asking_for_cuda_without_it_is_a_clear_error_and_cpu_is_the_default()
    {
        Assert.Equal(DeviceType.CPU, NN.Device.type);
        if (!NN.CudaAvailable)
        {
            var e = Assert.Throws<ArgumentException>(() => NN.UseDevice("cuda"));
            Assert.Contains("CUDA is not available", e.Message);
        }
        Assert.Equal(DeviceType.CPU, NN.UseDevice("cpu").type);
    }
}
