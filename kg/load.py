"""Load one input file into a :class:`~kg.model.SourceText`.

The decoded text is the *source text*: every offset recorded as provenance
refers to it.  For a text file it is the file decoded with its detected
encoding, with a leading byte-order mark removed and line ends unified to
``\\n`` ("universal newlines"), nothing else; for other formats it is the text
their loader extracts (:mod:`kg.loaders`), with line ends unified the same way.

Adding a format is one entry in :data:`LOADERS`: a function from the raw bytes
to a :class:`Decoded`, raising :class:`UnusableFile` when the bytes are unusable.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "r.txt"
>>> _ = p.write_bytes("关于2024年法治政府建设情况的报告\\r\\n".encode("gb18030"))
>>> src = load(p)
>>> src.encoding, src.text
('gb18030', '关于2024年法治政府建设情况的报告\\n')
"""
from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from typing import Callable

from kg.loaders import Decoded, UnusableFile
from kg.loaders.text import decode_bytes, load_txt
from kg.model import SourceText

__all__ = ["LOADERS", "SUPPORTED_SUFFIXES", "Decoded", "LoadError", "UnusableFile", "decode_bytes", "load"]


class LoadError(Exception):
    """A file that cannot be turned into text.

    ``reason`` is short, human and English ("empty file", "binary file, not text").
    """

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _on_first_use(module: str, name: str) -> Callable[[bytes], Decoded]:
    """The loader ``kg.loaders.<module>.<name>``, imported when a file first needs it: the
    Word, PDF and web-page libraries take most of a second to import, which every build
    process would pay for a corpus of text files.

    >>> _on_first_use("word", "load_docx").__name__
    'load_docx'
    """
    def loader(data: bytes) -> Decoded:
        return getattr(importlib.import_module(f"kg.loaders.{module}"), name)(data)

    loader.__name__ = loader.__qualname__ = name
    return loader


LOADERS: dict[str, Callable[[bytes], Decoded]] = {
    ".txt": load_txt,
    ".docx": _on_first_use("word", "load_docx"),
    ".doc": _on_first_use("oldword", "load_doc"),
    ".wps": _on_first_use("oldword", "load_wps"),
    ".pdf": _on_first_use("pdf", "load_pdf"),
    ".html": _on_first_use("webpage", "load_html"),
    ".htm": _on_first_use("webpage", "load_html"),
    ".shtml": _on_first_use("webpage", "load_html"),
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(LOADERS)


def load(path: str | Path) -> SourceText:
    """Read and decode one report file.

    Raises :class:`LoadError` for unsupported, unreadable, binary, corrupt or
    empty files.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        raise LoadError(str(path), f"unsupported file type {suffix or '(no suffix)'}")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise LoadError(str(path), f"cannot read ({e.strerror or e})") from e
    if not data.strip():
        raise LoadError(str(path), "empty file")
    try:
        decoded = loader(data)
    except UnusableFile as e:
        raise LoadError(str(path), str(e)) from e
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoadError(str(path), "empty file")
    return SourceText(
        path=str(path),
        name=p.name,
        text=text,
        encoding=decoded.encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        metadata=decoded.metadata,
    )
