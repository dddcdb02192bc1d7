"""Old Word files (.doc, Word 97-2003) and WPS files (.wps), read with antiword.

Government sites still publish many reports as .doc; WPS Office (2005 and
later) writes .wps files in the same binary format.  No maintained Python
library reads that format, so the Debian tool ``antiword`` does, offline and
deterministically (``antiword -w 0 -m UTF-8.txt``: one paragraph per line,
UTF-8).  catdoc was tried too and garbles Chinese paragraphs; LibreOffice reads
the format but is a 300 MB install for one format.

antiword separates paragraphs by an empty line and draws a table row as
``|cell   |cell   |``; the text keeps one line per paragraph and gives a table
row as its cells separated by tabs, as the .docx loader does.

Without antiword the reason says what to do: install it, or convert the file
to .docx.  Older Kingsoft WPS files (before 2005) are another format antiword
cannot read; their reason says to convert them.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile

from kg.loaders import Decoded, UnusableFile

# Old Word (.doc, .wps) files are OLE compound files; they start with this.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ANTIWORD = ("antiword", "-w", "0", "-m", "UTF-8.txt")
# A damaged file could make a C parser spin; no real report takes this long.
_TIMEOUT_SECONDS = 120


def _row(line: str) -> str:
    """A table row as antiword draws it, as tab-separated cells.

    >>> _row("|指标      |数量 |")
    '指标\\t数量'
    """
    return "\t".join(cell.strip() for cell in line.strip().strip("|").split("|"))


def _text(output: str) -> str:
    lines = []
    for line in output.splitlines():
        if not line.strip():
            continue   # antiword's blank line between paragraphs
        lines.append(_row(line) if line.startswith("|") and line.rstrip().endswith("|") else line.rstrip())
    return "\n".join(lines)


def antiword_available() -> bool:
    return shutil.which(_ANTIWORD[0]) is not None


def _load(data: bytes, suffix: str) -> Decoded:
    if not data.startswith(OLE_MAGIC):
        if data.startswith(b"PK\x03\x04"):
            raise UnusableFile("not a Word 97-2003 file (a zip archive: rename it to .docx)")
        raise UnusableFile(f"not a Word 97-2003 file: convert {suffix} to .docx")
    if not antiword_available():
        raise UnusableFile(f"unsupported: reading {suffix} needs antiword (Debian package antiword); "
                           f"or convert {suffix} to .docx")
    with tempfile.NamedTemporaryFile(suffix=suffix) as f:
        f.write(data)
        f.flush()
        try:
            run = subprocess.run([*_ANTIWORD, f.name], capture_output=True, timeout=_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as e:
            raise UnusableFile(f"antiword did not finish reading this {suffix} file") from e
    if run.returncode != 0:
        why = run.stderr.decode("utf-8", "replace").replace(f.name, "").strip(" .\n") or "unreadable"
        raise UnusableFile(f"cannot read this {suffix} file ({why}): convert it to .docx")
    return Decoded(_text(run.stdout.decode("utf-8", "replace")), suffix.lstrip("."))


def load_doc(data: bytes) -> Decoded:
    """The text of a Word 97-2003 .doc file.

    >>> load_doc("法治政府建设情况报告".encode("utf-8"))
    Traceback (most recent call last):
    kg.loaders.UnusableFile: not a Word 97-2003 file: convert .doc to .docx
    """
    return _load(data, ".doc")


def load_wps(data: bytes) -> Decoded:
    """The text of a WPS Office .wps file (the Word 97-2003 format)."""
    return _load(data, ".wps")
