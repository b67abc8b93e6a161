"""Writes the notebook check_notebook6.sh runs: one cell per thing a person should see in the browser."""
import json
import sys

CELLS = [
    '#r "nuget: NotebookNN"\n#r "nuget: NotebookNN.Interactive"\nusing TorchSharp;\nusing static TorchSharp.torch;\n'
    'using NotebookNN.Training;\nusing NotebookNN.Probabilities;',
    # C# keywords CodeMirror must highlight.
    'var total = 0;\nfor (int i = 0; i < 3; i++) { total += i; }\nawait Task.Yield();\nvar list = new List<int> { total };\nlist.Count',
    # A plain Fit of about 3 s: 5 batches x 10 epochs, each batch held 60 ms by the loss.
    'var model = nn.Linear(2, 1);\n'
    'var trainer = new Trainer(model, (p, t) => { System.Threading.Thread.Sleep(60); return nn.functional.mse_loss(p, t); },'
    ' optim.SGD(model.parameters(), 0.05));\n'
    'var x = torch.rand(160, 2);\n'
    'var history = trainer.Fit(x, x.sum(1, keepdim: true), new FitOptions { Epochs = 10, BatchSize = 32 });',
    # A 10-class probability table with long class names.
    'var names = new[] { "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck" };\n'
    'var random = new Random(7);\n'
    'var rows = Enumerable.Range(0, 12).Select(_ => { var l = names.Select(n => Math.Exp(random.NextDouble() * 4)).ToArray();'
    ' var s = l.Sum(); return l.Select(v => v / s).ToArray(); }).ToArray();\n'
    'ProbabilityTable.FromProbabilities(rows, names, trueLabels: Enumerable.Range(0, 12).Select(i => i % 10).ToArray())',
    # An exception, then two cells Run All must skip.
    'int Divide(int a, int b) => a / b;\nvar zero = 0;\nDivide(1, zero)',
    'Console.WriteLine("should not run");',
    '1 + 1',
]

notebook = {
    "nbformat": 4, "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "notebooknn", "display_name": "C# (NotebookNN)", "language": "C#"}},
    "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None, "outputs": [], "source": source}
              for i, source in enumerate(CELLS)],
}
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(notebook, out, indent=1)
