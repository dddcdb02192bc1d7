"""Stable ASCII IRIs for instances.

Instance IRIs live under ``https://w3id.org/fazhi-kg/id/`` and never depend on
input order: divisions use official codes, concepts a pinyin slug of their
label, reports a hash of their content.

>>> slug("新时代枫桥经验")
'xin-shi-dai-feng-qiao-jing-yan'
>>> slug("法治+乡村振兴")
'fa-zhi-plus-xiang-cun-zhen-xing'
>>> division("540626000000")
'https://w3id.org/fazhi-kg/id/division/540626000000'
"""
from __future__ import annotations

import functools
import hashlib
import re


ONT = "https://w3id.org/fazhi-kg/ont#"
ID = "https://w3id.org/fazhi-kg/id/"

_SYMBOLS = {"+": " plus ", "&": " and ", "%": " pct ", "·": " ", ".": " "}


# pypinyin takes ~60 µs a label, and the same labels (concepts, organizations, villages)
# come back in report after report.
@functools.lru_cache(maxsize=1 << 16)
def slug(label: str, max_len: int = 80) -> str:
    """Toneless pinyin syllables joined by '-', lower-case ASCII, digits kept."""
    from pypinyin import lazy_pinyin    # here, not at the top: commands that only read the store never need it

    text = "".join(_SYMBOLS.get(ch, ch) for ch in label)
    parts = []
    for token in lazy_pinyin(text, errors=lambda s: s.split(" ") if " " in s else [s]):
        token = re.sub(r"[^0-9a-zA-Z]+", "-", token.lower()).strip("-")
        if token:
            parts.append(token)
    out = "-".join(parts)
    if len(out) > max_len:
        digest = hashlib.sha1(label.encode("utf-8")).hexdigest()[:8]
        out = out[: max_len - 9].rstrip("-") + "-" + digest
    return out or hashlib.sha1(label.encode("utf-8")).hexdigest()[:12]


def division(code: str) -> str:
    return f"{ID}division/{code}"


def unresolved_division(name: str) -> str:
    """A division the gazetteer cannot pin down (no code), named by its label."""
    return f"{ID}division/name/{slug(name)}"


def concept(scheme: str, label: str) -> str:
    return f"{ID}{scheme}/{slug(label)}"


def report(sha256: str) -> str:
    return f"{ID}report/{sha256[:16]}"


def section(report_sha256: str, index: int) -> str:
    return f"{ID}report/{report_sha256[:16]}/section/{index}"


def measurement(report_sha256: str, start: int, end: int) -> str:
    return f"{ID}measurement/{report_sha256[:16]}-{start}-{end}"


def statement(*parts: object) -> str:
    """An evidence node, named by a hash of what it states and where."""
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:20]
    return f"{ID}evidence/{digest}"
