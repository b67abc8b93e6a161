#!/usr/bin/env bash
# What a person sees in a real browser: Debian's Jupyter Notebook 6 (apt-get install jupyter-notebook) driven by
# Debian's headless Chromium through puppeteer-core (npm, no browser download) runs tests/jupyter/browser's check
# notebook on the NotebookNN kernel and checks highlighting, live Fit progress, table width, coloured errors and
# skipped-cell prompts. Then it opens an executed copy that `nnb run --output-dir` wrote (trusted with `jupyter trust`,
# as a user must for Notebook 6 to run a notebook's scripts) and counts the charts drawn from its saved outputs with
# the output folder's shared plotly.js. Usage: check_notebook6.sh [OUT_DIR] (needs a Release build of nnb).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=$(mkdir -p "${1:-$repo/artifacts/notebook6}" && cd "${1:-$repo/artifacts/notebook6}" && pwd)
nnb="$repo/src/NotebookNN.Kernel/bin/Release/net10.0/nnb"
[ -x "$nnb" ] || { echo "notebook 6 check: build nnb first (dotnet build src/NotebookNN.Kernel -c Release)" >&2; exit 2; }
command -v jupyter-notebook >/dev/null || { echo "notebook 6 check: apt-get install jupyter-notebook" >&2; exit 2; }
[ -d "$here/node_modules/puppeteer-core" ] || (cd "$here" && npm install --no-audit --no-fund --silent)

work=$(mktemp -d)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
"$nnb" install --prefix "$work/prefix" --name notebooknn >/dev/null
"$nnb" install --prefix "$work/prefix" --name nnb-csharp >/dev/null   # the kernel the executed copy names
mkdir "$work/notebooks"
/usr/bin/python3 "$here/make_notebook.py" "$work/notebooks/check.ipynb"
views="$repo/tests/NotebookNN.Interactive.Tests/notebooks/extension-views.ipynb"
"$nnb" run "$views" --output-dir "$work/notebooks/executed" >"$out/nnb-run.log" 2>&1 || { cat "$out/nnb-run.log"; exit 1; }
charts=$(/usr/bin/python3 -c 'import json,sys; nb=json.load(open(sys.argv[1])); print(sum("application/vnd.plotly.v1+json" in o.get("data",{}) for c in nb["cells"] for o in c.get("outputs",[])))' "$work/notebooks/executed/extension-views.ipynb")
[ -f "$work/notebooks/executed/plotly-2.28.0.min.js" ] || { echo "notebook 6 check: nnb run wrote no shared plotly.js" >&2; exit 1; }
# Notebook 6 runs the scripts of a notebook's outputs only when the notebook is trusted (signed in the user's
# database, here the check's own data folder): `python3 -m nbformat.sign` is `jupyter trust` (Debian ships that
# command in jupyter-nbformat).
JUPYTER_DATA_DIR="$work/data" /usr/bin/python3 -m nbformat.sign "$work/notebooks/executed/extension-views.ipynb" >/dev/null
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work/notebooks" && JUPYTER_DATA_DIR="$work/data" JUPYTER_PATH="$work/prefix/share/jupyter" exec jupyter-notebook --no-browser --ip 127.0.0.1 \
  --port "$port" --NotebookApp.token='' --NotebookApp.password='' --allow-root >"$out/server.log" 2>&1) &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api" >/dev/null && break; sleep 0.2; done
failed=0
node "$here/drive.js" "http://127.0.0.1:$port/notebooks/check.ipynb" "$out/notebook6.png" || failed=1
node "$here/drive_charts.js" "http://127.0.0.1:$port/notebooks/executed/extension-views.ipynb" "$out/notebook6-charts.png" "$charts" || failed=1
exit $failed
