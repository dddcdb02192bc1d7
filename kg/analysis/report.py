"""The analysis as files a person opens: CSV tables (UTF-8 with BOM, so Excel reads the Chinese)
and ``report.md``, a short readable account in Chinese.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_csv(d / "t.csv", ["名称", "数"], [["甲镇", 1]]).read_bytes().decode("utf-8-sig")
'名称,数\\r\\n甲镇,1\\r\\n'
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterable, Sequence

from kg.atomicfile import replacing


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence]) -> Path:
    """Write to a temporary file beside ``path`` and rename it, so a reader never sees half a table."""
    with replacing(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows([f"{v:.4f}" if isinstance(v, float) else v for v in row] for row in rows)   # = _cell, inlined
    return path


def _cell(v):
    return f"{v:.4f}" if isinstance(v, float) else v


def markdown_table(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A Markdown table; ``|`` and line breaks inside cells are neutralized."""
    def clean(v) -> str:
        return str(_cell(v)).replace("|", "｜").replace("\n", " ")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(clean(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
