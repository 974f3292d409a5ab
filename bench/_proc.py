"""Process-tree helpers shared by the benchmark scripts (Linux /proc)."""

from __future__ import annotations

import os


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
