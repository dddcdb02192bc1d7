"""Word 2007+ documents (.docx): paragraphs and table cells, in body order.

A table row becomes one line, its cells separated by tabs, so a 指标/数量 table
reads "法治宣传活动\t58\t场次"; a merged cell appears once.  Content controls
(a cover page) are read like ordinary paragraphs.
"""
from __future__ import annotations

import io

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from kg.loaders import Decoded, UnusableFile
from kg.loaders.oldword import OLE_MAGIC

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")


def _table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        cells, seen = [], []
        for cell in row.cells:
            # Merged cells are returned once per grid column they span.  Compare
            # the elements themselves: ids of freed proxies can be reused.
            if any(cell._tc is tc for tc in seen):
                continue
            seen.append(cell._tc)
            # A cell holds paragraphs and possibly a nested table (with the
            # empty paragraphs Word keeps around it).
            cells.append(" ".join(filter(None, _block_lines(cell._tc, cell))).replace("\n", " "))
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


def load_docx(data: bytes) -> Decoded:
    """The text of a .docx file.

    >>> load_docx(b"PK\\x03\\x04 not a zip")
    Traceback (most recent call last):
    kg.loaders.UnusableFile: not a valid .docx (BadZipFile: File is not a zip file)
    """
    if data.startswith(OLE_MAGIC):
        raise UnusableFile("not a valid .docx (an old Word 97-2003 file: rename it to .doc)")
    try:
        document = docx.Document(io.BytesIO(data))
        lines = _block_lines(document.element.body, document._body)
    except Exception as e:
        # python-docx, zipfile and lxml raise many kinds of errors on damaged
        # archives (BadZipFile, KeyError, XMLSyntaxError, zlib.error, ...); for
        # untrusted bytes every one of them means the same: not a usable .docx.
        raise UnusableFile(f"not a valid .docx ({type(e).__name__}: {e})") from e
    return Decoded("\n".join(lines), "docx")


