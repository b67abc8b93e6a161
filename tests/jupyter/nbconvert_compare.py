#!/usr/bin/python3
"""Runs notebooks twice, through Jupyter (`jupyter nbconvert --to notebook --execute` with the NotebookNN kernel)
and through `nnb run`, and checks that both produce the same outputs, ignoring ids, timings, execution metadata and
which plotly.js loader the first chart output carries (packed in a kernel session, the output folder's shared file
in `nnb run`'s copy).

Usage (from the repository root, with Debian's python):
  /usr/bin/python3 tests/jupyter/nbconvert_compare.py notebooks/a.ipynb notebooks/b.ipynb ...
Options:
  --nnb CMD          how to run nnb (default: $NNB, else the built apphost), e.g. "dotnet path/nnb.dll"
  --run-template T   the `nnb run` command line; {nnb} {notebook} {output_dir} are filled in
                     (default: "{nnb} run {notebook} --output-dir {output_dir}"); the executed copy is the
                     .ipynb named like the notebook that it writes under output_dir
  --timeout SECONDS  per-cell timeout given to nbconvert (default 600)
  --keep DIR         keep both executed copies in DIR for inspection
Exit status: 0 when every notebook matched, 1 when any differed or failed to run.
"""
import argparse
import difflib
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import nnb_kernelspec  # noqa: E402

# Text that legitimately differs between two runs of the same notebook.
VOLATILE = [
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<uuid>"),
    (re.compile(r"\b[0-9a-f]{32}\b", re.I), "<id>"),
    (re.compile(r"\d+(?:\.\d+)?\s?(?:ns|µs|us|ms|s|sec|seconds|min|minutes)\b"), "<duration>"),
    (re.compile(r"\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b"), "<clock>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?\b"), "<timestamp>"),
]


# The plotly.js loader in a notebook's first chart output: the kernel session's carries plotly.js packed, while
# `nnb run` into an output folder gives the executed copy a loader of the folder's shared plotly.js file.
PLOTLY_LOADER = re.compile(r'<script type="text/javascript" data-nnb-plotly-loader="[^"]*">.*?</script>', re.S)


def scrub(text):
    text = PLOTLY_LOADER.sub("<plotly.js loader>", text)
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def joined(value):
    return "".join(value) if isinstance(value, list) else value


def is_json_mime(mime):
    return mime == "application/json" or mime.endswith("+json")


def normalize_output(output):
    kind = output["output_type"]
    if kind == "stream":
        return {"output_type": "stream", "name": output["name"], "text": scrub(joined(output["text"]))}
    if kind == "error":
        return {"output_type": "error", "ename": output["ename"], "evalue": scrub(output["evalue"])}
    data = {mime: json.dumps(value, sort_keys=True) if is_json_mime(mime) else scrub(joined(value))
            for mime, value in output.get("data", {}).items()}
    # execute_result and display_data hold the same bundle; which one a value became is part of the comparison.
    return {"output_type": kind, "data": data}


def normalize_outputs(outputs):
    merged = []
    for output in map(normalize_output, outputs):
        # Front ends coalesce consecutive writes to one stream; how writes were chunked is not a difference.
        if merged and output["output_type"] == "stream" and merged[-1]["output_type"] == "stream" and merged[-1]["name"] == output["name"]:
            merged[-1] = dict(merged[-1], text=merged[-1]["text"] + output["text"])
        else:
            merged.append(output)
    return merged


def code_cell_outputs(path):
    with open(path, encoding="utf-8") as f:
        notebook = json.load(f)
    return [(joined(cell["source"]), normalize_outputs(cell.get("outputs", []))) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def run(argv, cwd, env=None):
    result = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{shlex.join(argv)} failed with exit code {result.returncode}:\n{result.stdout[-4000:]}")
    return result.stdout


def execute_with_nbconvert(notebook, out_dir, timeout, env):
    target = out_dir / "nbconvert.ipynb"
    run(["jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.kernel_name=" + nnb_kernelspec.KERNEL_NAME,
         f"--ExecutePreprocessor.timeout={timeout}",
         "--output-dir", str(out_dir), "--output", target.name, str(notebook)], cwd=notebook.parent, env=env)
    return target


def execute_with_nnb_run(notebook, out_dir, nnb, template):
    target_dir = out_dir / "nnb-run"
    argv = []
    for token in shlex.split(template):
        argv.extend(nnb if token == "{nnb}" else [token.format(notebook=notebook, output_dir=target_dir)])
    run(argv, cwd=notebook.parent)
    written = sorted(target_dir.rglob(notebook.stem + ".ipynb"))
    if len(written) != 1:
        raise RuntimeError(f"`{shlex.join(argv)}` wrote {len(written)} notebooks named {notebook.stem}.ipynb under {target_dir}; check --run-template")
    return written[0]


def describe_difference(expected, actual):
    lines = []
    if len(expected) != len(actual):
        lines.append(f"  code cells: nbconvert {len(expected)}, nnb run {len(actual)}")
    for index, ((source, a), (_, b)) in enumerate(zip(expected, actual)):
        if a != b:
            lines.append(f"  code cell {index} ({source.strip().splitlines()[0][:60] if source.strip() else 'empty'}):")
            left = json.dumps(a, indent=1, ensure_ascii=False).splitlines()
            right = json.dumps(b, indent=1, ensure_ascii=False).splitlines()
            lines.extend("    " + line[:200] for line in list(difflib.unified_diff(left, right, "nbconvert", "nnb run", lineterm=""))[:40])
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    parser.add_argument("--nnb", default=None)
    parser.add_argument("--run-template", default="{nnb} run {notebook} --output-dir {output_dir}")
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--keep", type=pathlib.Path, default=None)
    args = parser.parse_args()
    if args.nnb:
        os.environ["NNB"] = args.nnb
    nnb = nnb_kernelspec.nnb_command()
    nnb_kernelspec.install_private_kernelspec()
    env = dict(os.environ)

    failures = 0
    for notebook in args.notebooks:
        notebook = notebook.resolve()
        if not notebook.exists():
            print(f"MISSING {notebook}", flush=True)
            failures += 1
            continue
        out_dir = pathlib.Path(tempfile.mkdtemp(prefix="nnb-compare-"))
        try:
            expected = code_cell_outputs(execute_with_nbconvert(notebook, out_dir, args.timeout, env))
            actual = code_cell_outputs(execute_with_nnb_run(notebook, out_dir, nnb, args.run_template))
            if expected == actual:
                print(f"SAME    {notebook.name} ({len(expected)} code cells, {sum(len(o) for _, o in expected)} outputs)", flush=True)
            else:
                failures += 1
                print(f"DIFFER  {notebook.name}\n{describe_difference(expected, actual)}", flush=True)
        except RuntimeError as error:
            failures += 1
            print(f"FAILED  {notebook.name}: {error}", flush=True)
        finally:
            if args.keep:
                destination = args.keep / notebook.stem
                shutil.copytree(out_dir, destination, dirs_exist_ok=True)
            shutil.rmtree(out_dir, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
