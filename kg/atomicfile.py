"""Write a file so that a reader never sees half of it: a temporary file beside it, then rename.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> with replacing(p, "w", encoding="utf-8") as f:
...     _ = f.write("完整")
>>> p.read_text(encoding="utf-8")
'完整'
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


@contextmanager
def replacing(path: str | Path, mode: str = "w", **open_args) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path``, on any error
    (Ctrl-C included) it is removed and ``path`` keeps its previous content."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **open_args) as f:
            yield f
        os.chmod(tmp, 0o666 & ~_umask())       # mkstemp makes 0600; an output file is as open() would make it
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    with replacing(path, "w", encoding=encoding) as f:
        f.write(text)
    return Path(path)
