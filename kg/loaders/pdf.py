"""PDF files (pdfplumber): the text layer, in reading order, with lines rejoined.

A PDF holds positioned lines, not paragraphs.  The text is rebuilt from them:

* lines are read page by page, top to bottom (pdfplumber clusters characters
  into lines); spaces are inserted only for gaps wider than half a character,
  so justified Chinese text does not come out as "法 治";
* page furniture is dropped: a page number ("— 1 —", "- 2 -", "第3页 共5页",
  "4/5") as the first or last line of a page, and a running header or footer,
  a line repeated at the top or bottom of most pages;
* a line that runs to the right margin is joined to the next one, since the
  line was broken by the layout inside a sentence, unless the next line is
  indented (a new paragraph) or starts with part numbering (一、 （二） 3.).
  A line also counts as running to the margin when the next line starts with
  a run of digits or Latin letters (8000份, LED屏) that would not have fitted
  in the room left, plus one character: layout engines do not break such a
  run, so they move it whole to the next line and "发放宣传资料约 / 8000份"
  ends short of the margin.  A line ending in 。！？；： ends a sentence,
  so it is never joined this way.  Other line breaks stay.

Unusable files: damaged bytes ("not a valid PDF"), a password needed to open
it ("encrypted PDF"), no characters at all ("no text layer (scanned PDF?)") and
fonts without a Unicode mapping, whose characters pdfminer can only name
"(cid:1234)".  A PDF restricted only by an owner password (no copying, no
printing) opens without one and is read.
"""
from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from kg.loaders import Decoded, UnusableFile

# Gaps wider than this share of the font size become spaces.
_SPACE_RATIO = 0.5
# A line ending within this many characters of the right margin was wrapped.
_WRAP_SLACK = 2.0
# A line starting this many characters right of the left margin is indented.
_INDENT = 0.9
# A page edge line repeated on at least this share of pages is a running header or footer.
_RUNNING_SHARE = 0.5

_PAGE_NUMBER = re.compile(
    r"[\s\-—–－_~·]*"
    r"(?:第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}(?:\s*[/／]\s*\d{1,4})?"
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)"
    r"[\s\-—–－_~·]*"
)
# Numbering that starts a part or an item: the line before it ends a paragraph.
_NUMBERED = re.compile(
    r"\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．,，]"
    r"|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]"
    r"|\d{1,2}\s*[、.．](?!\d)"
    r"|第[一二三四五六七八九十\d]{1,3}(?:部分|章|篇)"
    r"|[\u2460-\u2473\u2776-\u2793])"
)
# A run that layout engines keep on one line: digits and Latin letters, with
# decimal points, thousands separators and a trailing percent sign (4.3万, 1,200, 99%).
_UNBREAKABLE = re.compile(r"[0-9A-Za-z]+(?:[.,:/\-][0-9A-Za-z]+)*%?")
# Sentence ends: the line before a moved run ends in one only if the sentence ended there.
_SENTENCE_END = frozenset("。！？；：!?;:")
# The width of a digit or Latin letter when the characters give none: about half a Chinese one.
_HALF = 0.5
_CID = re.compile(r"\(cid:\d+\)")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class _Line:
    text: str
    x0: float
    x1: float
    size: float        # median font size, the width of one Chinese character
    page_width: float
    lead: float = 0.0  # width of the digit/Latin run the line starts with (8000份: of 8000)


def _lead(text: str, chars: list[dict], size: float) -> float:
    """The width of the unbreakable run ``text`` starts with, measured on its characters.

    >>> _lead("8000份", [{"text": c, "x0": 78 + 6 * i, "x1": 84 + 6 * i} for i, c in enumerate("8000份")], 12)
    24
    >>> _lead("LED屏", [], 12), _lead("发放", [], 12)
    (18.0, 0.0)
    """
    m = _UNBREAKABLE.match(text)
    if m is None:
        return 0.0
    run = m.group()
    glyphs = [c for c in chars if c["text"].strip()][:len(run)]
    if "".join(c["text"] for c in glyphs) == run:
        return glyphs[-1]["x1"] - glyphs[0]["x0"]
    return _HALF * size * len(run)


def _page_lines(page) -> list[_Line]:
    lines = []
    for raw in page.dedupe_chars().extract_text_lines(x_tolerance_ratio=_SPACE_RATIO, return_chars=True):
        text = raw["text"].strip()
        if text:
            size = statistics.median(c["size"] for c in raw["chars"]) if raw["chars"] else 10.0
            lines.append(_Line(text, raw["x0"], raw["x1"], size, float(page.width),
                               _lead(text, raw["chars"], size)))
    return lines


def _furniture(pages: list[list[_Line]]) -> set[tuple[int, int]]:
    """(page, line) positions of page numbers and running headers and footers."""
    drop = set()
    edges: Counter[tuple[str, str]] = Counter()
    for p, lines in enumerate(pages):
        for i in {0, len(lines) - 1} if lines else ():
            if _PAGE_NUMBER.fullmatch(lines[i].text):
                drop.add((p, i))
        for edge, i in (("top", 0), ("bottom", len(lines) - 1)):
            if lines:
                edges[edge, _DIGITS.sub("#", lines[i].text)] += 1
    if len(pages) >= 2:
        running = {k for k, n in edges.items() if n >= 2 and n >= _RUNNING_SHARE * len(pages)}
        for p, lines in enumerate(pages):
            for edge, i in (("top", 0), ("bottom", len(lines) - 1)):
                if lines and (edge, _DIGITS.sub("#", lines[i].text)) in running:
                    drop.add((p, i))
    return drop


def _separator(before: str, after: str) -> str:
    """What joins a wrapped line to the next: nothing in Chinese, a space between Latin words."""
    return " " if before[-1:].isascii() and before[-1:].isalnum() and after[:1].isascii() and after[:1].isalnum() else ""


def _join(lines: list[_Line]) -> str:
    if not lines:
        return ""
    left = min(line.x0 for line in lines)
    # The right margin: where the longest line ends, but no less than the left
    # margin mirrored (official documents have nearly equal margins), so that a
    # document of short lines is not taken for one of full ones.
    right = max(max(line.x1 for line in lines), min(line.page_width for line in lines) - left)
    out = [lines[0].text]
    for prev, line in zip(lines, lines[1:]):
        gap = right - prev.x1
        wrapped = gap <= _WRAP_SLACK * prev.size or (
            # the next line's leading run (plus a character) did not fit: moved whole
            0 < line.lead and gap < line.lead + prev.size and prev.text[-1] not in _SENTENCE_END)
        indented = line.x0 >= left + _INDENT * line.size
        if wrapped and not indented and not _NUMBERED.match(line.text):
            out[-1] += _separator(out[-1], line.text) + line.text
        else:
            out.append(line.text)
    return "\n".join(out)


def _cause(e: Exception) -> Exception:
    """pdfplumber wraps pdfminer's errors in a PdfminerException; name the real one."""
    if isinstance(e, PdfminerException) and e.args and isinstance(e.args[0], Exception):
        return e.args[0]
    return e


def _unusable(e: Exception) -> UnusableFile:
    cause = _cause(e)
    if isinstance(cause, PDFPasswordIncorrect):
        return UnusableFile("encrypted PDF (a password is needed to open it)")
    return UnusableFile(f"not a valid PDF ({type(cause).__name__}: {cause})")


def load_pdf(data: bytes) -> Decoded:
    """The text of a PDF file.

    >>> load_pdf(b"%PDF-1.4 nothing else")
    Traceback (most recent call last):
    kg.loaders.UnusableFile: not a valid PDF (PDFSyntaxError: No /Root object! - Is this really a PDF?)
    """
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_page_lines(page) for page in pdf.pages]
    except Exception as e:
        # pdfminer is third-party code on untrusted bytes: any error while
        # opening or reading a page (PSEOF, KeyError, zlib.error, ...) means a
        # damaged file.
        raise _unusable(e) from e
    drop = _furniture(pages)
    body = [line for p, lines in enumerate(pages) for i, line in enumerate(lines) if (p, i) not in drop]
    text = _join(body)
    if not text.strip():
        raise UnusableFile("no text layer (scanned PDF?)")
    cids = sum(len(m) for m in _CID.findall(text))
    if cids > 0.5 * len(text):
        raise UnusableFile("no usable text layer: its fonts have no Unicode mapping (cid codes only)")
    return Decoded(text, "pdf")
