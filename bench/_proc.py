"""Process-tree helpers shared by the benchmark scripts (Linux /proc)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def children(pid: int) -> list[int]:
    """The direct children of ``pid``, from every thread's children list (empty if it is gone)."""
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def snapshot(work: Path, source: Path) -> tuple[str, dict[str, str]]:
    """Copy the engine and the claims under ``work``, so every run checks the same code and claims.

    Returns the copied claim path and an environment whose PYTHONPATH puts the copy first.
    Run from ``work``: `python -m` puts the working directory first on sys.path, which would
    shadow the copy with the live tree.
    """
    copy = work / "src"
    shutil.copytree(ROOT / "derive", copy / "derive", ignore=shutil.ignore_patterns("__pycache__"))
    library = work / "library" / source.name
    if source.is_dir():
        shutil.copytree(source, library, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        library.parent.mkdir(parents=True)
        shutil.copy2(source, library)
    env = dict(os.environ, PYTHONPATH=str(copy) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return str(library), env
