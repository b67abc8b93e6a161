namespace NotebookNN.Tests.Training;

/// <summary>
/// Tests that seed torch's global generator (model initialisation, dropout) or change the library's global settings
/// run in this collection, which xunit runs on its own after the parallel tests, so no other test draws random
/// numbers in between.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalState
{
    public const string Name = "Torch global state";
}
