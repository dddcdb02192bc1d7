"""Load one input file into a :class:`~kg.model.SourceText`.

The decoded text is the *source text*: every offset recorded as provenance
refers to it.  It is the file decoded with its detected encoding, with a
leading byte-order mark removed and line ends unified to ``\\n`` ("universal
newlines"), nothing else.

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

import codecs
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

import charset_normalizer
import docx
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from kg.model import SourceText


class LoadError(Exception):
    """A file that cannot be turned into text.

    ``reason`` is short, human and English ("empty file", "binary file, not text").
    """

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Decoded:
    """What a loader returns: the text, how it was read, optional metadata."""

    text: str
    encoding: str
    metadata: tuple[tuple[str, str], ...] = ()


class UnusableFile(Exception):
    """Raised by a loader for bytes it cannot use; :func:`load` turns it into a
    :class:`LoadError` naming the file.  The message is the reason."""


# --- plain text -------------------------------------------------------------

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

# Legacy Chinese encodings, tried strictly and compared by how plausible the
# result reads.  GB18030 is a superset of GBK and GB2312.  Big5 bytes are
# nearly always *valid* GB18030 too (as nonsense), hence the scoring.
_LEGACY = ("gb18030", "big5", "cp950")

# Control characters that do not occur in real text files; \t \n \v \f \r
# and \x1a (DOS end-of-file) do.
_BINARY_CONTROLS = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")

# A decoding that reads less plausibly than this is not trusted.
_MIN_PLAUSIBLE = 0.8


@cache
def _common_hanzi() -> frozenset[str]:
    """The commonly used Chinese characters, simplified and traditional.

    Derived from the encodings themselves: GB2312 holds the 6,763 common
    simplified characters, Big5 level 1 (0xA440-0xC67E) the 5,401 common
    traditional ones.  A wrong decoding yields rare characters and private-use
    code points instead.
    """
    common = set()
    for cp in range(0x4E00, 0xA000):
        ch = chr(cp)
        try:
            ch.encode("gb2312")
            common.add(ch)
            continue
        except UnicodeEncodeError:
            pass
        try:
            if ch.encode("big5") <= b"\xc6\x7e":
                common.add(ch)
        except UnicodeEncodeError:
            pass
    return frozenset(common)


def _plausibility(text: str) -> float:
    """Share of characters a Chinese report plausibly contains (0..1).

    >>> _plausibility("法治政府建设,2024年。")
    1.0
    """
    if not text:
        return 0.0
    common = _common_hanzi()
    good = 0
    for ch, n in Counter(text).items():
        if ch in common or ch.isspace() or " " <= ch <= "~":
            good += n
        elif unicodedata.category(ch)[0] in "PN" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef":
            good += n
    return good / len(text)


def _control_share(text: str) -> float:
    return len(_BINARY_CONTROLS.findall(text)) / max(len(text), 1)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_orders(data: bytes) -> list[str]:
    """Both UTF-16 byte orders, the likelier first.

    ASCII characters (digits, newlines) in UTF-16-LE are ``xx 00``: NULs at odd
    offsets; big-endian puts them at even offsets.  Chinese characters such as
    一 (U+4E00) put NULs the other way round, so this only orders the tries.
    """
    if len(data) % 2:
        return []
    odd, even = data[1::2].count(0), data[0::2].count(0)
    return ["utf-16-le", "utf-16-be"] if odd >= even else ["utf-16-be", "utf-16-le"]


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a text file whose encoding is not declared.

    Returns ``(text, encoding)``; the BOM is dropped, line ends are *not*
    touched.  Raises :class:`UnusableFile` for binary data.  Loaders of other
    formats that carry undeclared text (HTML without a charset) can use it.

    >>> decode_bytes("法治".encode("utf-8"))
    ('法治', 'utf-8')
    >>> decode_bytes("關於法治政府建設".encode("big5"))
    ('關於法治政府建設', 'big5')
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            # A BOM is a declaration: damaged bytes become U+FFFD, the file stays.
            text = data[len(bom):].decode(codec, errors="replace")
            return text, name

    if b"\x00" in data:
        # NULs are legal UTF-8, so UTF-16 must be ruled out first.
        for codec in _utf16_orders(data):
            text = _strict(data, codec)
            if text is not None and _plausibility(text) >= _MIN_PLAUSIBLE:
                return text, "utf-16"
        raise UnusableFile("binary file, not text")

    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"

    candidates = [(c, t) for c in _LEGACY if (t := _strict(data, c)) is not None]
    # Pure-CJK UTF-16 without BOM has no NULs at all; let it compete.
    if len(data) % 2 == 0:
        candidates += [(c, t) for c in ("utf-16-le", "utf-16-be") if (t := _strict(data, c)) is not None]
    if candidates:
        # max() keeps the first of equals: GB18030 wins ties.
        score, codec, text = max(((_plausibility(t), c, t) for c, t in candidates), key=lambda sct: sct[0])
        if score >= _MIN_PLAUSIBLE:
            return text, "utf-16" if codec.startswith("utf-16") else codec

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UnusableFile("binary file, not text")
    return str(best), best.encoding


def _load_txt(data: bytes) -> Decoded:
    text, encoding = decode_bytes(data)
    if _control_share(text) > 0.01:
        raise UnusableFile("binary file, not text")
    return Decoded(text, encoding)


# --- Word ------------------------------------------------------------------

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")


def _table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # Merged cells are returned once per grid column they span.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text.replace("\n", " "))
        lines.append("\t".join(cells))
    return lines


def _block_lines(container, parent) -> list[str]:
    """Paragraphs and tables of a body-like element, in document order."""
    lines: list[str] = []
    for el in container.iterchildren():
        if el.tag == _P:
            lines.append(Paragraph(el, parent).text)
        elif el.tag == _TBL:
            lines.extend(_table_lines(Table(el, parent)))
        elif el.tag == _SDT:
            # Content controls (e.g. a cover page) wrap ordinary paragraphs.
            for content in el.iterchildren(_SDT_CONTENT):
                lines.extend(_block_lines(content, parent))
    return lines


def _load_docx(data: bytes) -> Decoded:
    try:
        document = docx.Document(io.BytesIO(data))
    except (OpcError, zipfile.BadZipFile) as e:
        raise UnusableFile(f"not a valid .docx (zip error: {e})") from e
    except (KeyError, ValueError, etree.XMLSyntaxError) as e:
        raise UnusableFile(f"not a valid .docx ({type(e).__name__}: {e})") from e
    body = document.element.body
    return Decoded("\n".join(_block_lines(body, document._body)), "docx")


# --- dispatch -----------------------------------------------------------------

LOADERS: dict[str, Callable[[bytes], Decoded]] = {
    ".txt": _load_txt,
    ".docx": _load_docx,
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
