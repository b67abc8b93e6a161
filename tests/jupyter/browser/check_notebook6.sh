#!/usr/bin/env bash
# What a person sees in a real browser: Debian's Jupyter Notebook 6 (apt-get install jupyter-notebook) driven by
# Debian's headless Chromium through puppeteer-core (npm, no browser download) runs tests/jupyter/browser's check
# notebook on the NotebookNN kernel and checks highlighting, live Fit progress, table width, coloured errors and
# skipped-cell prompts. Usage: check_notebook6.sh [OUT_DIR] (needs a Release build of nnb).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=$(mkdir -p "${1:-$repo/artifacts/notebook6}" && cd "${1:-$repo/artifacts/notebook6}" && pwd)
nnb="$repo/src/NotebookNN.Kernel/bin/Release/net10.0/nnb"
[ -x "$nnb" ] || { echo "notebook 6 check: build nnb first (dotnet build src/NotebookNN.Kernel -c Release)" >&2; exit 2; }
command -v jupyter-notebook >/dev/null || { echo "notebook 6 check: apt-get install jupyter-notebook" >&2; exit 2; }
[ -d "$here/node_modules/puppeteer-core" ] || (cd "$here" && npm install --no-audit --no-fund --silent)

work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
"$nnb" install --prefix "$work/prefix" --name notebooknn >/dev/null
mkdir "$work/notebooks"
/usr/bin/python3 "$here/make_notebook.py" "$work/notebooks/check.ipynb"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work/notebooks" && JUPYTER_PATH="$work/prefix/share/jupyter" exec jupyter-notebook --no-browser --ip 127.0.0.1 \
  --port "$port" --NotebookApp.token='' --NotebookApp.password='' --allow-root >"$out/server.log" 2>&1) &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api" >/dev/null && break; sleep 0.2; done
node "$here/drive.js" "http://127.0.0.1:$port/notebooks/check.ipynb" "$out/notebook6.png"
