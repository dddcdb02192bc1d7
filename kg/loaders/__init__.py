"""One loader per input format, registered by suffix in :data:`kg.load.LOADERS`.

A loader is a function from the file's raw bytes to a :class:`Decoded`: the text
that provenance offsets will refer to, how it was read, and optional report
metadata (``(("published", "2025-01-20"), ("sourceSite", "www.xxx.gov.cn"))``,
emitted as ``report fz:published "2025-01-20"``).  A loader raises
:class:`UnusableFile` with a short English reason for bytes it cannot use;
:func:`kg.load.load` turns that into a :class:`kg.load.LoadError` naming the file.

Modules: :mod:`~kg.loaders.text` (.txt, encoding detection),
:mod:`~kg.loaders.word` (.docx), :mod:`~kg.loaders.oldword` (.doc, .wps),
:mod:`~kg.loaders.pdf` (.pdf), :mod:`~kg.loaders.webpage` (saved .html pages),
:mod:`~kg.loaders.dates` (dates as Chinese documents write them).

>>> Decoded("法治", "utf-8").metadata
()
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decoded:
    """What a loader returns: the text, how it was read, optional metadata."""

    text: str
    encoding: str
    metadata: tuple[tuple[str, str], ...] = ()


class UnusableFile(Exception):
    """Raised by a loader for bytes it cannot use; :func:`kg.load.load` turns it
    into a :class:`kg.load.LoadError` naming the file.  The message is the reason."""
