"""Shared setup for the kernel tests: find the built nnb, install its kernelspec into a private prefix and point
Jupyter at it (JUPYTER_PATH), so tests never touch the user's or the system's kernels.

NNB: the command that runs nnb, e.g. "/path/to/nnb" or "dotnet /path/to/nnb.dll". Default: the Debug build's
apphost under src/NotebookNN.Kernel/bin.
"""
import atexit
import os
import pathlib
import shlex
import shutil
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
KERNEL_NAME = "notebooknn"


def nnb_command():
    """The nnb command as an argv list."""
    if os.environ.get("NNB"):
        return shlex.split(os.environ["NNB"])
    for configuration in ("Debug", "Release"):
        apphost = ROOT / "src" / "NotebookNN.Kernel" / "bin" / configuration / "net10.0" / "nnb"
        if apphost.exists():
            return [str(apphost)]
    raise RuntimeError("nnb is not built: run 'dotnet build src/NotebookNN.Kernel' or set NNB to the nnb command")


def install_private_kernelspec():
    """Installs the kernelspec into a temporary prefix (removed at exit) and sets JUPYTER_PATH to it."""
    prefix = tempfile.mkdtemp(prefix="nnb-kernelspec-")
    atexit.register(shutil.rmtree, prefix, True)
    subprocess.run(nnb_command() + ["install", "--prefix", prefix, "--name", KERNEL_NAME], check=True, stdout=subprocess.DEVNULL)
    data = os.path.join(prefix, "share", "jupyter")
    os.environ["JUPYTER_PATH"] = data + (os.pathsep + os.environ["JUPYTER_PATH"] if os.environ.get("JUPYTER_PATH") else "")
    return data


def children_of(pid):
    """PIDs whose parent is pid (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def alive(pid):
    """Whether pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
