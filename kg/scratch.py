"""Large numpy arrays kept in files of a scratch folder rather than in the process's memory.

A corpus-level index grows with the corpus: at 50,000 reports the text-reuse index
(:mod:`kg.derivers.reuse`) is a few hundred megabytes, a decade of reports ten times
that.  Here each array is a file, memory-mapped (``MAP_SHARED``): numpy reads and
writes it as any array, the operating system's page cache holds what fits, and
:meth:`Scratch.release` hands the pages the process has touched back to that cache
(``madvise(MADV_DONTNEED)``, which keeps the data: the file has it), so the process's
resident memory stays bounded by what it touched since the last release, whatever
the size of the arrays.

``Scratch(None)`` keeps the arrays in memory (small corpora, tests): the same code
runs either way.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d, Scratch(d) as s:
...     a = s.zeros("a", (3, 2), "int32")
...     a[1] = [7, 8]
...     s.release()
...     a.tolist(), sorted(p.name for p in Path(d).iterdir())[0].startswith("scratch-")
([[0, 0], [7, 8], [0, 0]], True)
"""
from __future__ import annotations

import mmap
import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional

import numpy as np

PREFIX = "scratch-"


class Scratch:
    """A set of arrays in one temporary folder under ``parent`` (``None``: in memory).

    The folder is removed by :meth:`close`; one left by a killed process is removed by
    :func:`clean` (the build calls it for its output folder)."""

    def __init__(self, parent: Optional[str | Path]):
        self.folder: Optional[Path] = None
        if parent is not None:
            Path(parent).mkdir(parents=True, exist_ok=True)
            self.folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
        self._maps: list[mmap.mmap] = []
        self._base = _resident_file_bytes()

    def zeros(self, name: str, shape, dtype) -> np.ndarray:
        """A new array of zeros (in a file named ``name`` when on disk)."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        dtype = np.dtype(dtype)
        size = int(np.prod(shape)) * dtype.itemsize
        if self.folder is None or size == 0:
            return np.zeros(shape, dtype=dtype)
        path = self.folder / name
        with open(path, "w+b") as f:
            f.truncate(size)                  # a sparse file: reads as zeros
            m = mmap.mmap(f.fileno(), size)   # (the mapping outlives the descriptor)
        self._maps.append(m)
        return np.frombuffer(m, dtype=dtype).reshape(shape)

    def full(self, name: str, shape, dtype, value) -> np.ndarray:
        a = self.zeros(name, shape, dtype)
        a[...] = value
        return a

    def release(self) -> None:
        """Let go of the resident pages of every array (their contents stay in the files)."""
        for m in self._maps:
            _dontneed(m)
        self._base = _resident_file_bytes()

    def keep_within(self, budget: Optional[int] = None) -> bool:
        """Release the arrays' pages if the process's resident file pages grew by more than
        ``budget`` bytes (default :data:`RESIDENT_BUDGET`) since the last release; whether it
        released.

        Random reads (binary searches, candidates all over the index) touch pages
        everywhere, so releasing after a fixed number of steps bounds nothing: at 50,000
        reports the derivation's resident file pages reached 208 MB with a release every
        5,000 passages.  What is touched between two calls comes on top of the budget, and
        a random read makes a whole page-cache folio resident (on ext4 here, 96 pages for a
        one-byte read of a file written in order): the reuse deriver, calling every 64
        passages, saw its index's pages rise up to 98 MB above the last release at 400,000
        passages and 211 MB at 800,000 (synthetic reports).  Calling every 8 passages held
        them to 88 MB at 400,000, but released twice as often and decided 34-55% slower
        (the released pages are read again).  Where ``/proc`` cannot tell (not Linux),
        every call releases.
        """
        if not self._maps:
            return False
        budget = RESIDENT_BUDGET if budget is None else budget
        now = _resident_file_bytes()
        if now is not None and self._base is not None and now - self._base <= budget:
            return False
        self.release()
        return True

    def close(self) -> None:
        """Remove the folder.  Arrays still referenced stay readable until dropped (the files
        are unlinked, their mappings remain)."""
        self._maps = []
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> "Scratch":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


RESIDENT_BUDGET = 64 << 20      # bytes of the arrays' pages that may stay resident between releases


def _resident_file_bytes() -> Optional[int]:
    """The process's resident file-backed and shared pages, in bytes (``/proc/self/statm``'s
    third field, which the arrays' pages count in); ``None`` where there is no such file.

    The file stays open (a read at offset 0 is 3 µs, opening it each time 24 µs), once per
    process: a descriptor inherited across ``fork`` would read the parent's figures."""
    global _statm
    try:
        if _statm is None or _statm[0] != os.getpid():
            _statm = (os.getpid(), os.open("/proc/self/statm", os.O_RDONLY))
        return int(os.pread(_statm[1], 128, 0).split()[2]) * mmap.PAGESIZE
    except (OSError, ValueError, IndexError):
        return None


_statm: Optional[tuple[int, int]] = None    # (pid, descriptor of its /proc/self/statm)


def _dontneed(m: mmap.mmap) -> None:
    advice = getattr(mmap, "MADV_DONTNEED", None)
    if advice is not None:          # Linux and most Unixes; elsewhere pages simply stay until evicted
        m.madvise(advice)


def clean(parent: str | Path) -> list[Path]:
    """Remove scratch folders left under ``parent`` by a process that was killed; returns them."""
    found = sorted(p for p in Path(parent).glob(PREFIX + "*") if p.is_dir())
    for p in found:
        shutil.rmtree(p, ignore_errors=True)
    return found
