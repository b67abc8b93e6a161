using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using NotebookNN.DotNetInteractive;
using NotebookNN.Interactive.Magics;
using NotebookNN.Interactive.Tensors;

namespace NotebookNN.Interactive.Tests;

/// <summary>The adapter in a real .NET Interactive kernel (the C# kernel of dotnet-interactive 1.0.712001's API), in
/// process: the magics become directives there, parse and fail as in nnb, and evaluate in the C# kernel.</summary>
[Collection("Global state")]
public sealed class DotNetInteractiveHostTests : IDisposable
{
    private readonly CompositeKernel _root;
    private readonly CSharpKernel _csharp = new();

    public DotNetInteractiveHostTests()
    {
        _root = new CompositeKernel("root") { _csharp };
        _root.DefaultKernelName = _csharp.Name;
        DotNetInteractiveHost.For(_csharp).Load(typeof(NotebookNNExtension));
    }

    public void Dispose()
    {
        TensorPrintOptions.Current = TensorPrintOptions.Default;
        _root.Dispose();
    }

    private async Task<(string Out, string? Failure, IReadOnlyList<KernelEvent> Events)> SubmitAsync(string code)
    {
        var result = await _root.SendAsync(new SubmitCode(code));
        var output = string.Concat(result.Events.OfType<StandardOutputValueProduced>().SelectMany(e => e.FormattedValues).Select(v => v.Value));
        return (output, result.Events.OfType<CommandFailed>().FirstOrDefault()?.Message, result.Events);
    }

    [Fact]
    public void Every_magic_is_a_directive_of_the_kernel_with_its_summary()
    {
        var directives = _csharp.KernelInfo.SupportedDirectives.ToDictionary(d => d.Name);
        foreach (var magic in NotebookNNMagics.All)
        {
            Assert.True(directives.ContainsKey("#!" + magic.Name), $"#!{magic.Name} is not a directive of the C# kernel");
            Assert.Equal(magic.Summary, directives["#!" + magic.Name].Description);
        }
    }

    [Fact]
    public async Task Print_options_set_in_one_cell_are_reported_by_the_next()
    {
        var set = await SubmitAsync("#!nn-print --precision 2 --sci-mode off");
        Assert.Null(set.Failure);
        var shown = await SubmitAsync("#!nn-print");
        Assert.Contains("--precision 2 --edgeitems 3 --threshold 1000 --linewidth 80 --sci-mode off", shown.Out);
        Assert.Equal(2, TensorPrintOptions.Current.Precision);
    }

    [Fact]
    public async Task A_bad_seed_fails_with_one_clear_line_and_changes_nothing()
    {
        var before = TensorPrintOptions.Current;
        var (_, failure, _) = await SubmitAsync("#!nn-seed x");
        Assert.Equal("#!nn-seed: The seed must be a whole number, got 'x'. See #!nn-seed --help.", failure);
        Assert.Equal(before, TensorPrintOptions.Current);
    }

    [Fact]
    public async Task A_bad_device_fails_with_a_message_naming_the_choices_and_keeps_the_device()
    {
        var device = NN.Device.ToString();
        var (_, failure, _) = await SubmitAsync("#!nn-device gpu9");
        Assert.NotNull(failure);
        Assert.StartsWith("#!nn-device: ", failure);
        Assert.Contains("gpu9", failure);
        Assert.Equal(device, NN.Device.ToString());
    }

    [Fact]
    public async Task An_unknown_option_is_refused_by_the_host_parser()
    {
        var (_, failure, _) = await SubmitAsync("#!nn-print --digits 3");
        Assert.NotNull(failure);
        Assert.Contains("--digits", failure);
    }

    [Fact]
    public async Task Help_prints_the_usage_derived_from_the_declared_parameters()
    {
        var (output, failure, _) = await SubmitAsync("#!nn-print --help");
        Assert.Null(failure);
        Assert.Equal(NotebookNNMagics.All.Single(m => m.Name == "nn-print").Usage + "\n", output);
        Assert.Contains("--sci-mode MODE", output);
    }

    [Fact]
    public async Task Device_values_are_offered_as_completions()
    {
        const string code = "#!nn-device ";
        var result = await _root.SendAsync(new RequestCompletions(code, new LinePosition(0, code.Length)));
        var offered = result.Events.OfType<CompletionsProduced>().SelectMany(e => e.Completions).Select(c => c.DisplayText).ToList();
        Assert.Contains("cpu", offered);
        Assert.Contains("cuda", offered);
        Assert.Contains("auto", offered);
    }

    [Fact]
    public async Task Summary_evaluates_its_expression_in_the_csharp_kernel_and_displays_the_table()
    {
        var reference = await SubmitAsync($"#r \"{typeof(TorchSharp.torch).Assembly.Location}\"");
        Assert.Null(reference.Failure);
        var define = await SubmitAsync("var net = TorchSharp.torch.nn.Linear(4, 3);");
        Assert.Null(define.Failure);
        var (_, failure, events) = await SubmitAsync("#!nn-summary net --input 1,4");
        Assert.Null(failure);
        var shown = Assert.Single(events.OfType<DisplayedValueProduced>());
        var html = Assert.Single(shown.FormattedValues, v => v.MimeType == "text/html").Value;
        Assert.Contains("15", html); // 4*3 weights + 3 biases
    }

    [Fact]
    public async Task Loading_the_extension_again_registers_nothing_twice()
    {
        DotNetInteractiveHost.For(_csharp).Load(typeof(NotebookNNExtension));
        Assert.Equal(NotebookNNMagics.All.Count, DotNetInteractiveHost.For(_csharp).Magics.Count);
        var (_, failure, _) = await SubmitAsync("#!nn-threads");
        Assert.Null(failure);
    }
}
