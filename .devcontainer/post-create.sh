#!/usr/bin/env bash
# Runs once when the dev container is created (postCreateCommand): installs Debian's Jupyter, packs the nnb tool
# from this checkout with the requested TorchSharp backend (cpu or cuda), installs it globally from that package
# and registers its kernel for the container's user, so the kernel runs the installed tool, not a build folder.
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

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
dotnet pack src/NotebookNN.Kernel -c Release -p:TorchBackend="$backend" -o artifacts/packages
# A private package cache for the install: a package of this version cached earlier (e.g. the other backend) is not reused.
cache=$(mktemp -d)
dotnet tool uninstall -g NotebookNN.Tool >/dev/null 2>&1 || true
NUGET_PACKAGES="$cache" dotnet tool install -g NotebookNN.Tool --version "$version" --add-source artifacts/packages
rm -rf "$cache"
export PATH="$PATH:$HOME/.dotnet/tools"
nnb install --user
jupyter kernelspec list
