#!/usr/bin/env bash
# Runs once when the dev container is created (postCreateCommand): installs Debian's Jupyter, builds nnb with
# the requested TorchSharp backend (cpu or cuda) and registers the NotebookNN kernel for the container's user.
set -euo pipefail

backend="${1:-cpu}"
case "$backend" in
  cpu|cuda) ;;
  *) echo "post-create.sh: backend must be 'cpu' or 'cuda', got '$backend'" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."

sudo apt-get update
sudo apt-get install -y --no-install-recommends \
  jupyter-notebook jupyter-nbconvert python3-ipykernel python3-jupyter-client python3-nbclient python3-nbformat

dotnet build src/NotebookNN.Kernel -c Release -p:TorchBackend="$backend"
dotnet src/NotebookNN.Kernel/bin/Release/net10.0/nnb.dll install --user
jupyter kernelspec list
