"""Plain text files: decode bytes whose encoding is not declared.

The decoded text is the file decoded with its detected encoding, with a leading
byte-order mark removed; line ends are unified later by :func:`kg.load.load`.

>>> load_txt("关于2024年法治政府建设情况的报告".encode("gb18030"))
Decoded(text='关于2024年法治政府建设情况的报告', encoding='gb18030', metadata=())
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from functools import cache

import charset_normalizer

from kg.loaders import Decoded, UnusableFile

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


def load_txt(data: bytes) -> Decoded:
    text, encoding = decode_bytes(data)
    if _control_share(text) > 0.01:
        raise UnusableFile("binary file, not text")
    return Decoded(text, encoding)


