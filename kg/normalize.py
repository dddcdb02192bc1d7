"""Normalize a source text for matching, keeping an exact map back to it.

What :func:`normalize` does, in this order:

1. **Deletes debris** of format conversion: ``[bookmark: _GoBack]`` and any
   ``[bookmark: …]``, zero-width and bidi format characters (U+200B-U+200F,
   U+202A-U+202E, U+2060-U+2069, U+FEFF), soft hyphens, variation selectors,
   control characters other than tab and newline, and the ``\\r`` of ``\\r\\n``.
2. **Unifies line breaks**: a lone ``\\r``, ``\\v``, ``\\f``, U+0085, U+2028 and
   U+2029 become ``\\n``.  Newlines are kept: structure needs them.
3. **NFKC, character by character**: full-width ASCII becomes half-width,
   U+3000 and NBSP become a space, Kangxi radicals and CJK compatibility
   ideographs (PDF debris) become ordinary characters, ⑴ becomes (1).  Two
   exceptions keep their form: circled numbers (① ㊀), which are item
   numbering and would otherwise read as a bare digit, and the ellipsis ``…``.
4. **One dot**: the dot family · • ・ ‧ ∙ ⋅ ● (and half-width ･) becomes
   ``·`` (U+00B7) *wherever it occurs*, so "12•4" and "12・4" read "12·4".  The
   ASCII full stop ``.`` is left alone (decimals, "12.4").
5. **Layout spaces go**: a run of spaces (U+0020, and U+3000, NBSP and the
   other spaces NFKC made one) between two CJK ideographs is deleted, so that
   "加 勤 乡人民政府" and "枫 桥 经 验" (a PDF's letter-spaced or justified
   line) read 加勤乡人民政府 and 枫桥经验.  Chinese has no word spaces, so such
   a space is never a word break.  A space next to a Latin letter, a digit or
   punctuation stays ("建设 LED 屏", "一、 加强"), and so does the space of a
   spaced heading number at a line start ("一 主要成效"), which is numbering,
   unless the line is letter-spaced throughout ("一 村 一 律 师").
6. **Curly double quotes**: on a line with an even number of straight double
   quotes (ASCII ``"``, and full-width ``＂`` after NFKC), they become “ and ”
   in turn, so that every extractor sees one quote style.  A line with an odd
   number (a quote running over a line break, a stray mark) is left alone.
7. **Traditional → simplified** with OpenCC ``t2s``, phrase-aware, on lines
   that contain a character that is traditional only (changed by t2s and not
   in GB2312; so 乾隆, 乾县 and 著作 in a simplified text are left alone).

After normalization, downstream patterns must be written for these forms:

=========================  ==========================
source                     normalized
=========================  ==========================
（一）  ㈠                  (一)
，  ：  ；  ！  ？           ,  :  ;  !  ?
１．  ２０２４  ％          1.  2024  %
“１２·４”  12•4  12・4     “12·4”  12·4  12·4
"普法"  ＂普法＂             “普法”  “普法”
关於  開展                  关于  开展
枫 桥　经验  加 勤 乡        枫桥经验  加勤乡
=========================  ==========================

Unchanged: 。 、 《 》 “ ” ‘ ’ 【 】 〔 〕 — … ① ② and ASCII ``.``.

>>> src = "[bookmark: _GoBack]（一）開展“１２•４”宣傳。"
>>> n = normalize(src)
>>> n.text
'(一)开展“12·4”宣传。'
>>> s, e = n.to_source(5, 11)
>>> src[s:e]
'“１２•４”'
>>> src = "发挥“枫 桥　经 验”作用"
>>> n = normalize(src)
>>> n.text
'发挥“枫桥经验”作用'
>>> s, e = n.to_source(3, 7)
>>> src[s:e]
'枫 桥　经 验'

:func:`strip_quotes` removes quotation marks on top, so that 新时代“枫桥经验”
matches the plain label 新时代枫桥经验; its offsets still point to the source.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import opencc

from kg.model import NormalizedText

# --- character rules --------------------------------------------------------

_DEBRIS_RE = re.compile(r"\[bookmark:[^\]\n]*\]")
_DELETE = frozenset(
    "\u00ad\u180e"                                   # soft hyphen, Mongolian vowel separator
    + "".join(map(chr, range(0x200B, 0x2010)))       # zero-width, LRM, RLM
    + "".join(map(chr, range(0x202A, 0x202F)))       # bidi embeddings
    + "".join(map(chr, range(0x2060, 0x206A)))       # word joiner, invisible operators, isolates
    + "".join(map(chr, range(0xFE00, 0xFE10)))       # variation selectors
    + "\ufeff"
)
_LINE_BREAKS = frozenset("\v\f\x85\u2028\u2029")
_DOTS = frozenset("·•・‧∙⋅●･")
_DOT = "·"
_KEEP = frozenset("…")


@cache
def _map_char(ch: str) -> str:
    """The normalized form of one character ("" when it is deleted).

    >>> _map_char("，"), _map_char("㈠"), _map_char("①"), _map_char("•")
    (',', '(一)', '①', '·')
    """
    if ch in _DELETE:
        return ""
    if ch in _LINE_BREAKS or ch == "\r":
        return "\n"
    if ch in _DOTS:
        return _DOT
    if ch in _KEEP:
        return ch
    if unicodedata.category(ch) == "Cc" and ch not in "\t\n":
        return ""
    if "CIRCLED" in unicodedata.name(ch, ""):
        return ch
    out = unicodedata.normalize("NFKC", ch)
    return "".join(_DOT if c in _DOTS else c for c in out)


_EXTRA = frozenset(
    _DELETE | _LINE_BREAKS | _DOTS | {"\r"}
    | {chr(c) for c in range(0x20)} | {chr(c) for c in range(0x7F, 0xA0)}
)


@dataclass(frozen=True)
class _Rules:
    """The character rules compiled for speed.

    ``one_re`` finds BMP characters that change into exactly one other
    character (the common case: full-width punctuation), replaced in one
    ``re.sub`` without touching offsets.  ``odd_re`` finds the rest: characters
    that vanish or expand, astral characters, and the first character of
    ``[bookmark:`` and ``\\r\\n``; these go through the slower offset-keeping path.
    """

    one: dict[str, str]
    one_re: re.Pattern[str]
    odd_re: re.Pattern[str]


@cache
def _rules() -> _Rules:
    one: dict[str, str] = {}
    odd: list[str] = ["[", "\r"]
    for cp in range(0x10000):
        ch = chr(cp)
        if 0xD800 <= cp < 0xE000 or (unicodedata.is_normalized("NFKC", ch) and ch not in _EXTRA):
            continue
        out = _map_char(ch)
        if out == ch:
            continue
        if len(out) == 1:
            one[ch] = out
        else:
            odd.append(ch)
    # Astral characters (math letters, compatibility ideographs) are rare:
    # one range keeps the character class fast.
    return _Rules(
        one=one,
        one_re=re.compile("[" + re.escape("".join(one)) + "]"),
        odd_re=re.compile("[" + re.escape("".join(odd)) + "\U00010000-\U0010FFFF]"),
    )


# --- traditional -> simplified ------------------------------------------------

@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _traditional_only() -> re.Pattern[str]:
    """Finds characters t2s would change that are not also standard simplified.

    GB2312 is the set of standard simplified characters; 乾 (乾隆) and 著
    (著作) are in it, so a simplified text containing them is not "converted".
    """
    cc = _converter()
    chars = []
    for cp in range(0x3400, 0xA000):
        ch = chr(cp)
        if cc.convert(ch) != ch:
            try:
                ch.encode("gb2312")
            except UnicodeEncodeError:
                chars.append(ch)
    return re.compile("[" + re.escape("".join(chars)) + "]")


def _t2s_line(line: str, offs: list[int]) -> tuple[str, list[int]]:
    """Convert one line; ``offs`` are the source offsets of its characters."""
    cc = _converter()
    try:
        out = cc.convert(line)
    except Exception:   # the C library rejects e.g. lone surrogates
        out = None
    if out is not None and len(out) == len(line):
        return out, offs
    # Phrase conversion changed the length: convert char by char instead.
    chars, new_offs = [], []
    for ch, o in zip(line, offs):
        try:
            conv = cc.convert(ch) or ch
        except Exception:
            conv = ch
        chars.append(conv)
        new_offs.extend([o] * len(conv))
    return "".join(chars), new_offs


# --- normalize ------------------------------------------------------------------

def normalize(text: str) -> NormalizedText:
    """Normalize ``text`` (a decoded source text); never raises.

    >>> n = normalize("a\\u200bb\\r\\nc")
    >>> n.text, n.offsets
    ('ab\\nc', (0, 2, 4, 5, 6))
    """
    out, offsets = _map_characters(text)
    out, offsets = _delete_layout_spaces(out, offsets)
    out = _curl_quotes(out)                      # one character for one: offsets unchanged
    trad = _traditional_only()
    if trad.search(out):
        out, offsets = _to_simplified(out, offsets or list(range(len(text))), trad)
    if offsets is None:             # the common case: 1:1 with the source
        return NormalizedText(out, tuple(range(len(text) + 1)))
    offsets.append(len(text))
    return NormalizedText(out, tuple(offsets))


def _map_characters(text: str) -> tuple[str, list[int] | None]:
    """Steps 1-4: debris, line breaks, NFKC and dots.

    Returns the mapped text and its source offsets, ``None`` meaning 1:1.
    """
    rules = _rules()
    one = rules.one
    fast = rules.one_re.sub(lambda m: one[m.group()], text)   # same length as text

    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in rules.odd_re.finditer(text):
        s = m.start()
        if s < pos:                 # inside debris already deleted
            continue
        ch = text[s]
        if ch == "[":
            debris = _DEBRIS_RE.match(text, s)
            if debris is None:
                continue
            e, mapped = debris.end(), ""
        elif ch == "\r":
            if not text.startswith("\n", s + 1):
                continue            # a lone \r: already a \n in ``fast``
            e, mapped = s + 1, ""
        else:
            e, mapped = s + 1, _map_char(ch)
        pieces.append(fast[pos:s])
        offsets.extend(range(pos, s))
        pieces.append(mapped)
        offsets.extend([s] * len(mapped))
        pos = e
    if not pieces:
        return fast, None
    pieces.append(fast[pos:])
    offsets.extend(range(pos, len(text)))
    return "".join(pieces), offsets


# CJK ideographs: 〇, Extension A, the URO, compatibility ideographs (the
# twelve unified ones among them survive NFKC), and the supplementary planes.
_IDEOGRAPH = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# NFKC has made U+3000, NBSP and the other spaces U+0020 by now.
_SPACES = re.compile(" +")
_ONE_IDEOGRAPH = re.compile(f"[{_IDEOGRAPH}]")
# A heading number at a line start ("一 主要成效", read by kg.sections) ...
_NUMERALS = "一二三四五六七八九十"
_SPACED_NUMBER = re.compile(f"[ \t]*[{_NUMERALS}]{{1,3}}")
# ... followed by a word, not by one letter-spaced character ("一 村 一 律 师").
_WORD = re.compile(f"[{_IDEOGRAPH}]{{2}}")


def _delete_layout_spaces(text: str, offsets: list[int] | None) -> tuple[str, list[int] | None]:
    """Step 5: delete runs of spaces between two ideographs (``None`` offsets mean 1:1).

    >>> _delete_layout_spaces("加 勤 乡 2024年", None)
    ('加勤乡 2024年', [0, 2, 4, 5, 6, 7, 8, 9, 10])
    >>> _delete_layout_spaces("一 主要成效\\n二 〇 二 四 年", None)[0]
    '一 主要成效\\n二〇二四年'
    """
    # Spaces are rare in Chinese text: find them first, then look at their neighbours
    # (a regex testing every character for an ideograph is ten times slower).
    pieces: list[str] = []
    kept: list[int] = []
    source = range(len(text)) if offsets is None else offsets
    pos = 0
    for m in _SPACES.finditer(text):
        s, e = m.span()
        if not (s and _ONE_IDEOGRAPH.match(text, s - 1) and _ONE_IDEOGRAPH.match(text, e)):
            continue
        if text[s - 1] in _NUMERALS and _WORD.match(text, e) and _SPACED_NUMBER.fullmatch(
                text, text.rfind("\n", 0, s) + 1, s):
            continue
        pieces.append(text[pos:s])
        kept.extend(source[pos:s])
        pos = e
    if not pieces:
        return text, offsets
    pieces.append(text[pos:])
    kept.extend(source[pos:])
    return "".join(pieces), kept


_STRAIGHT_LINE = re.compile(r'^[^\n"]*"[^\n]*', re.M)   # anchored: no rescans of a line
_STRAIGHT_PAIR = re.compile(r'"([^"]*)"')


def _curl_line(m: re.Match[str]) -> str:
    line = m.group()
    return _STRAIGHT_PAIR.sub(r"“\1”", line) if line.count('"') % 2 == 0 else line


def _curl_quotes(text: str) -> str:
    """Step 6: straight double quotes become “ ” by parity within each line.

    >>> _curl_quotes('开展"宪法宣传周"和"法律明白人"培养\\n引用"一处')
    '开展“宪法宣传周”和“法律明白人”培养\\n引用"一处'
    """
    return _STRAIGHT_LINE.sub(_curl_line, text) if '"' in text else text


def _to_simplified(text: str, offsets: list[int], trad: re.Pattern[str]) -> tuple[str, list[int]]:
    """Step 7, line by line so that a length change stays local."""
    pieces: list[str] = []
    new_offsets: list[int] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        end = pos + len(line)
        offs = offsets[pos:end]
        if trad.search(line):
            line, offs = _t2s_line(line, offs)
        pieces.append(line)
        new_offsets.extend(offs)
        pos = end
    return "".join(pieces), new_offsets


# --- quotation marks --------------------------------------------------------------

QUOTES = "“”‘’\"'「」『』〝〞〟„‟"
_QUOTE_RE = re.compile("[" + re.escape(QUOTES) + "]")


def strip_quotes(norm: NormalizedText) -> NormalizedText:
    """Delete quotation marks; offsets still map to the source text.

    >>> src = "发挥新时代“枫桥经验”作用"
    >>> q = strip_quotes(normalize(src))
    >>> q.text
    '发挥新时代枫桥经验作用'
    >>> s, e = q.to_source(2, 9)
    >>> src[s:e]
    '新时代“枫桥经验'
    """
    return delete_matches(norm, _QUOTE_RE)


def delete_matches(norm: NormalizedText, pattern: re.Pattern[str]) -> NormalizedText:
    """Delete every match of ``pattern`` from a normalized text, composing maps."""
    text, offs = norm.text, norm.offsets
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        pieces.append(text[pos:m.start()])
        offsets.extend(offs[pos:m.start()])
        pos = m.end()
    if not pieces:
        return norm
    pieces.append(text[pos:])
    offsets.extend(offs[pos:])   # includes the final end entry
    return NormalizedText("".join(pieces), tuple(offsets))
