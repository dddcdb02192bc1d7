"""The structure of a report: preamble, numbered parts, section types, sentences.

Works on the normalized text (see :mod:`kg.normalize`), so numbering reads
``(一)`` not ``（一）`` and clauses end in ``;`` not ``；``.

Levels:

* 0 - the preamble: title lines, issuing body, opening paragraph (always
  ``sections[0]``, possibly empty);
* 1 - ``一、`` ``一.`` ``一,`` ``第一部分`` at the start of a line;
* 2 - ``(一)`` (also ``一)``) at the start of a line;
* 3 - ``1.`` ``1、`` ``(1)`` ``1)`` ``①`` at the start of a line (in a report
  without 一、 or (一), the style of the first such item is level 1), and inline
  ``一是…二是…`` items anywhere after 。 ; : , or a line break.

A heading is the text after the numbering up to the first 。 ; : ! ? or the
line end, so "(一)法治意识有待进一步提高。部分干部..." has the heading
"法治意识有待进一步提高".  A report without any ``一、`` numbering may carry
short unnumbered heading lines ("存在的问题"); a line of at most 30
characters, without 。, that matches a heading cue becomes a level-1 part.

Section types come from the heading cues of ``ontology/sections.ttl``.  The
top-level parts are typed: level 1, or level 2 when the report has no level 1,
or the parts numbered 1. 2. 3. when it has neither (promoted to level 1).  A part whose heading matches cues of
two types ("三、存在的问题及下一步打算") takes the higher-priority one, and its
sub-parts are typed on their own among those two types.  Sub-parts otherwise
inherit the type of their part (:meth:`kg.model.Document.section_type_at`).

>>> from kg.model import SourceText
>>> from kg.normalize import normalize
>>> text = "关于2024年法治政府建设情况的报告\\n2024年,我乡依法行政。\\n一、主要成效\\n一是加强学习。二是规范执法。\\n二、存在问题及下一步打算\\n(一)存在问题\\n法治意识不强。\\n(二)下一步打算\\n加强培训。"
>>> doc = structure(SourceText("r.txt", "r.txt", text, "utf-8", ""), normalize(text))
>>> [(s.level, s.number, s.heading, s.type) for s in doc.sections]  # doctest: +NORMALIZE_WHITESPACE
[(0, '', '关于2024年法治政府建设情况的报告', None), (1, '一', '主要成效', 'Achievements'),
 (3, '一是', '加强学习', None), (3, '二是', '规范执法', None),
 (1, '二', '存在问题及下一步打算', 'Shortcomings'), (2, '(一)', '存在问题', 'Shortcomings'),
 (2, '(二)', '下一步打算', 'NextYearPlan')]
>>> doc.year, doc.section_type_at(doc.text.index("加强培训"))
(2024, 'NextYearPlan')
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path

import cn2an
from rdflib import Namespace

from kg.loaders.dates import closing_date, labeled_date, parse_date, reported_year
from kg.model import Document, NormalizedText, Section, Sentence, SourceText
from kg.vocab import ontology

FZ = Namespace("https://w3id.org/fazhi-kg/ont#")
SECTIONS_TTL = Path(__file__).resolve().parent.parent / "ontology" / "sections.ttl"

# --- numbering ---------------------------------------------------------------

_CN = "一二三四五六七八九十"
_LEVEL1 = re.compile(
    rf"(?P<num>[{_CN}]{{1,3}})[ \t]*[、.,](?![{_CN}]+[、月季年])"
    rf"|(?P<part>第[{_CN}\d]{{1,3}}(?:部分|章|篇))[ \t]*[、.,:]?"
)
# "2.6个村": item 2 when item 1 came before it (see _continued_items); else a decimal.
_DOTTED_DIGIT = re.compile(r"(?P<num>\d{1,2})[ \t]*[.,](?=\d)")
# "一 主要成效": a numeral and a space start a heading only on a short line.
_LEVEL1_SPACED = re.compile(rf"(?P<num>[{_CN}]{{1,3}})[ \t]+(?=[^。\n]{{2,60}}$)")
_LEVEL2 = re.compile(rf"(?P<num>\(?[{_CN}]{{1,3}}\))[ \t]*[、.]?")
_LEVEL3 = re.compile(
    r"(?P<num>\d{1,2})[ \t]*[.、,](?:(?!\d)|(?=(?:19|20)\d\d年))"   # 1.2024年工作情况 is item 1
    r"|(?P<paren>\(?\d{1,2}\))"
    r"|(?P<circled>[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf\u2776-\u2793\u3280-\u3289])"
)
# The first character of any numbering above.
_NUMBERING_START = re.compile(rf"[{_CN}第(\d\u2460-\u2473\u3251-\u325f\u32b1-\u32bf\u2776-\u2793\u3280-\u3289]")
# (the lookahead on the first character lets most positions fail before ^ and the lookbehind)
_INLINE = re.compile(rf"(?=[ \t{_CN}])(?:^|(?<=[。;:!?,\n]))[ \t]*(?P<num>[{_CN}]{{1,2}}是)(?![否非的])")
_HEADING_END = re.compile(r"[。;:!?\n]")
_PAGE_NUMBER = re.compile(r"[\s\-—–]*(?:\d+|第\s*\d+\s*页.*)[\s\-—–]*")

# --- sentences ------------------------------------------------------------------

_SENTENCE = re.compile(r"[^。!?;\n]+(?:[。!?;]+[”’\"')\]」』】》]*)?|[。!?;]+")

# --- title and year -----------------------------------------------------------------

_TITLE_KEY = re.compile(r"报告|总结|情况$")
_DOC_NUMBER = re.compile(r"〔\d{4}〕|\[\d{4}\]|\(\d{4}\)\d+号")
_YEAR = re.compile(r"(?<![\d\-—–~至到])(20\d\d|二[〇零][一二三四五六七八九〇零][〇零一二三四五六七八九])\s*年")
_BOOK_TITLE = re.compile(r"《[^》]*》")


@dataclass(frozen=True)
class _Candidate:
    level: int
    number: str
    heading: str
    start: int
    inline: bool = False
    cut: int | None = None      # where the heading sentence ends, if not at 。 or a line end
    style: str = ""             # for level 3: "num" (1.), "paren" ((1)) or "circled" (①)


@dataclass(frozen=True)
class _SectionType:
    name: str
    priority: int
    cues: tuple[re.Pattern[str], ...]
    any_cue: re.Pattern[str] | None = None  # the cues as one alternation (one search, not one per cue)


@cache
def section_types() -> tuple[_SectionType, ...]:
    """The section types and their heading cues from ``ontology/sections.ttl``, by priority."""
    g = ontology()      # the shared parse of ontology/*.ttl (sections.ttl is in it)
    types = []
    for node in g.subjects(FZ.headingCue, None, unique=True):
        name = str(node).rsplit("#", 1)[1]
        priority = int(g.value(node, FZ.cuePriority, default=99))
        cues = tuple(re.compile(str(c)) for c in sorted(g.objects(node, FZ.headingCue)))
        types.append(_SectionType(name, priority, cues, re.compile("|".join(f"(?:{c.pattern})" for c in cues))))
    return tuple(sorted(types, key=lambda t: (t.priority, t.name)))


def classify_heading(heading: str, year: int | None = None) -> tuple[str | None, tuple[str, ...]]:
    """The section type a heading names, and every type whose cues match it.

    ``year`` is the reported year: a heading naming a later year is a plan.

    >>> classify_heading("2024年推进法治政府建设存在的不足和原因")
    ('Shortcomings', ('Shortcomings',))
    >>> classify_heading("2025年法治政府建设重点任务", 2024)
    ('NextYearPlan', ('NextYearPlan',))
    >>> classify_heading("贯彻落实《法治政府建设实施纲要(2021-2025年)》的主要举措", 2024)
    ('Achievements', ('Achievements',))
    """
    h = _BOOK_TITLE.sub("", heading)
    matched = [t.name for t in section_types() if t.any_cue.search(h)]
    if year is not None and matched[:1] in ([], ["Achievements"]):
        if any(_year_value(m) > year for m in _YEAR.finditer(h)):
            matched.insert(0, "NextYearPlan")
    return (matched[0] if matched else None), tuple(matched)


def _year_value(m: re.Match[str]) -> int:
    digits = m.group(1)
    return int(digits) if digits.isdigit() else int(cn2an.cn2an(digits, "smart"))


# --- finding headings ------------------------------------------------------------

def _heading_after(text: str, pos: int) -> tuple[str, int | None]:
    """The heading that starts at ``pos``: up to the first 。 ; : ! ? or line end.

    Returns the heading and, when it ends in a colon with more text on its
    line ("一、主要成效:2024年..."), the position after the colon, where the
    heading sentence ends.  A bare "一、" line takes its heading from the next
    non-empty line (PDF text often breaks there).
    """
    for _ in range(3):
        m = _HEADING_END.search(text, pos)
        end = m.start() if m else len(text)
        heading = text[pos:end].strip().rstrip(",、")
        if heading or m is None or m.group() != "\n":
            break
        pos = m.end()
    cut = None
    if m is not None and m.group() == ":" and text[m.end():m.end() + 1] not in ("\n", ""):
        cut = m.end()
    return heading, cut


def _line_candidate(text: str, line_start: int, line: str) -> _Candidate | None:
    body = line.lstrip()
    if not _NUMBERING_START.match(body):     # (most lines: one check instead of four patterns)
        return None
    at = line_start + len(line) - len(body)
    for level, pattern in ((1, _LEVEL1), (1, _LEVEL1_SPACED), (2, _LEVEL2), (3, _LEVEL3)):
        m = pattern.match(body)
        if m:
            number = next(g for g in m.groups() if g)
            heading, cut = _heading_after(text, at + m.end())
            style = next((k for k, v in m.groupdict().items() if v), "") if level == 3 else ""
            return _Candidate(level, number, heading, at, cut=cut, style=style)
    return None


def _continued_items(text: str, lines, found: dict[int, _Candidate]) -> None:
    """Add "2.6个牧业村…" as item 2 when the item before it at line start is 1.

    A decimal at the start of a line is rare; a list that goes on is not.
    """
    last = None
    for pos, line in lines:
        body = line.lstrip()
        at = pos + len(line) - len(body)
        c = found.get(at)
        if c is not None:
            if c.style == "num":
                last = int(c.number)
            continue
        m = _DOTTED_DIGIT.match(body)
        if m and last is not None and int(m.group("num")) == last + 1:
            heading, cut = _heading_after(text, at + m.end())
            found[at] = _Candidate(3, m.group("num"), heading, at, cut=cut, style="num")
            last += 1


def _unnumbered_heading(text: str, line_start: int, line: str) -> _Candidate | None:
    """A short unnumbered line that reads like a part heading ("存在的问题:")."""
    body = line.strip()
    if not 2 <= len(body) <= 30 or "。" in body or body.endswith((",", ";")):
        return None
    heading = body.rstrip(":")
    if classify_heading(heading)[0] is None:
        return None
    return _Candidate(1, "", heading, line_start + line.index(body[0]))


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _title_lines(text: str) -> list[tuple[int, str]]:
    """The leading title block: short lines up to the one naming the report.

    Lines before it (the issuing body, a title broken over two lines) belong
    to the title too.  Empty when the report starts with its opening paragraph.
    """
    block = []
    for pos, line in _lines(text):
        body = line.strip()
        if not body:
            continue
        if len(body) > 60 or "。" in body or body.endswith((",", ":", ";")) or len(block) >= 6:
            return []
        if _LEVEL1.match(body) or _LEVEL2.match(body):   # the report starts with its first part
            return []
        block.append((pos, body))
        if _TITLE_KEY.search(body):
            return [(p, b) for p, b in block if not _DOC_NUMBER.search(b)]
    return []


def _candidates(text: str, skip_before: int) -> list[_Candidate]:
    found: dict[int, _Candidate] = {}
    lines = [(p, l) for p, l in _lines(text) if p >= skip_before]
    for pos, line in lines:
        c = _line_candidate(text, pos, line)
        if c:
            found[c.start] = c
    _continued_items(text, lines, found)
    if not any(c.level == 1 for c in found.values()):
        for pos, line in lines:
            if pos not in found and (c := _unnumbered_heading(text, pos, line)):
                found.setdefault(c.start, c)
    if not any(c.level <= 2 for c in found.values()):
        _promote_top_items(found)
    for m in _INLINE.finditer(text, skip_before):
        start = m.start("num")
        if start not in found:
            heading, _ = _heading_after(text, m.end("num"))
            found[start] = _Candidate(3, m.group("num"), heading, start, inline=True)
    ordered = sorted(found.values(), key=lambda c: c.start)
    # Items before the first real part are part of the opening paragraph.
    anchor = (next((c for c in ordered if c.level <= 2), None)
              or next((c for c in ordered if not c.inline), None)
              or (ordered[0] if ordered else None))
    return [c for c in ordered if anchor and c.start >= anchor.start]


def _promote_top_items(found: dict[int, _Candidate]) -> None:
    """In a report numbered 1. 2. 3. at the top (no 一、 and no (一)), those are its parts.

    The style of the first line-start item is the top level; items of other styles
    ((1), ①) stay items inside them, so "3.下一步打算" holds its "(1)…(5)".
    """
    first = min((c for c in found.values() if c.level == 3), key=lambda c: c.start, default=None)
    if first is None:
        return
    for start, c in list(found.items()):
        if c.level == 3 and c.style == first.style:
            found[start] = replace(c, level=1)


# --- building the tree -------------------------------------------------------------

def _build_sections(text: str, title: str, cands: list[_Candidate]) -> list[Section]:
    first = cands[0].start if cands else len(text)
    sections = [Section(0, 0, "", title, 0, first)]
    ends = [len(text)] * len(cands)
    parents: list[int | None] = [None] * len(cands)
    stack: list[int] = []
    for i, c in enumerate(cands):
        while stack and cands[stack[-1]].level >= c.level:
            ends[stack.pop()] = c.start
        parents[i] = stack[-1] + 1 if stack else None
        stack.append(i)
    for i, c in enumerate(cands):
        sections.append(Section(i + 1, c.level, c.number, c.heading, c.start, ends[i], parent=parents[i]))
    return sections


def _assign_types(sections: list[Section], cands: list[_Candidate], year: int | None) -> list[Section]:
    parts = sections[1:]
    if not parts:
        return sections
    numbered = [s for s, c in zip(parts, cands) if not c.inline]
    top_level = min((s.level for s in numbered), default=None)
    typed = {s.index: None for s in parts}
    combined: dict[int, tuple[str, ...]] = {}
    for s in numbered:
        if s.level == top_level:
            kind, matched = classify_heading(s.heading, year)
            typed[s.index] = kind
            if len(set(matched)) > 1:
                combined[s.index] = matched
    for s in parts:
        if s.parent in combined:
            _, matched = classify_heading(s.heading, year)
            own = [m for m in matched if m in combined[s.parent]]
            typed[s.index] = own[0] if own else None
    return [sections[0]] + [
        Section(s.index, s.level, s.number, s.heading, s.start, s.end, typed[s.index], s.parent)
        for s in parts
    ]


# --- sentences -----------------------------------------------------------------------

def _sentences(text: str, sections: list[Section], heading_ends: list[int]) -> list[Sentence]:
    cuts = sorted({s.start for s in sections[1:]}.union(heading_ends))
    starts = [s.start for s in sections]
    out: list[Sentence] = []
    for m in _SENTENCE.finditer(text):
        s, e = m.span()
        # A part or an inline item that starts mid-sentence starts a sentence;
        # a heading ending in a colon ends one.
        i = bisect.bisect_right(cuts, s)
        if i < len(cuts) and cuts[i] < e:
            pieces = []
            while i < len(cuts) and cuts[i] < e:
                pieces.append((s, cuts[i]))
                s = cuts[i]
                i += 1
            pieces.append((s, e))
        else:
            pieces = ((s, e),)      # (the common case, without building a list)
        for s, e in pieces:
            raw = text[s:e]
            lead = raw.lstrip()
            body = lead.rstrip()
            # (a page number starts with a dash, a digit or 第: the pattern runs only then)
            if not body or ((body[0] in "-—–第" or body[0].isdigit()) and _PAGE_NUMBER.fullmatch(body)):
                continue
            s += len(raw) - len(lead)
            out.append(Sentence(len(out), s, s + len(body), body, _innermost(sections, starts, s)))
    return out


def _innermost(sections: list[Section], starts: list[int], pos: int) -> int:
    i = bisect.bisect_right(starts, pos) - 1
    while i > 0 and not (sections[i].start <= pos < sections[i].end):
        i = sections[i].parent or 0
    return max(i, 0)


# --- title and year ------------------------------------------------------------------

def _published(source: SourceText, text: str) -> date | None:
    """The publication date: the loader's metadata (a web page's PubDate), else a
    发布日期/发布时间/成文日期 line in the text."""
    given = dict(source.metadata).get("published")
    return (parse_date(given) if given else None) or labeled_date(text)


def _year(title: str, text: str, opening_end: int, published: date | None = None) -> int | None:
    """The year reported on, from the strongest evidence there is.

    The year the title names ("2024年度"); else the year before publication (a
    page published 2025-01 reports on 2024, see
    :func:`kg.loaders.dates.reported_year`); else the first year the opening
    paragraph names; else the year before the date under the signature; else the
    year the text names most often.

    >>> _year("关于2024年度法治政府建设情况的报告", "", 0, date(2026, 3, 1))
    2024
    >>> _year("法治政府建设情况报告", "今年以来,我镇依法行政。", 12, date(2025, 1, 20))
    2024
    >>> _year("", "今年以来,我镇依法行政。\\n镇人民政府\\n2025年1月15日", 12)
    2024
    """
    m = _YEAR.search(title)
    if m:
        return _year_value(m)
    if published is not None:
        return reported_year(published)
    m = _YEAR.search(text[:opening_end][:400])
    if m:
        return _year_value(m)
    signed = closing_date(text)
    if signed is not None:
        return reported_year(signed)
    years = Counter(_year_value(m) for m in _YEAR.finditer(text))
    return years.most_common(1)[0][0] if years else None


def structure(source: SourceText, norm: NormalizedText) -> Document:
    """Split a normalized report into sections and sentences."""
    text = norm.text
    title_lines = _title_lines(text)
    title = "".join(b for _, b in title_lines)
    body_start = 0
    if title_lines:
        body_start = text.find("\n", title_lines[-1][0]) + 1 or len(text)
    cands = _candidates(text, body_start)
    first = cands[0].start if cands else len(text)
    published = _published(source, text)
    year = _year(title, text, first, published)
    if published is not None and "published" not in dict(source.metadata):
        # A date line of the text is report metadata too (fz:published).
        source = replace(source, metadata=source.metadata + (("published", published.isoformat()),))
    sections = _assign_types(_build_sections(text, title, cands), cands, year)
    sentences = _sentences(text, sections, [c.cut for c in cands if c.cut is not None])
    return Document(
        source=source,
        norm=norm,
        sections=tuple(sections),
        sentences=tuple(sentences),
        title=title,
        year=year,
        _sentence_starts=tuple(s.start for s in sentences),
    )


# --- sanity ------------------------------------------------------------------------------

# Runs of Chinese characters: counting them by the lengths of the runs is ~4x faster
# than a list of every character (this runs on every report).
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
# A table-of-contents line: leader dots, then a page number.
_TOC_LINE = re.compile(r"(?:[.…·]{3,}|…)\s*\d{1,3}$")
# A title line naming an official document that is not a report.
_NOTICE_TITLE = re.compile(r"的(?:通知|通告|公告|函|批复|复函|决定)$")


def looks_like_report(doc: Document) -> str | None:
    """``None`` when the text reads like a rule-of-law report, else why not.

    Lenient on purpose: a report without numbering passes.
    """
    text = doc.text
    size = len(text.strip())
    if size < 200:
        return f"too short ({size} chars)"
    cjk = sum(map(len, _CJK_RUN.findall(text)))
    if cjk < 0.3 * size:
        return f"not Chinese text ({cjk} of {size} characters are Chinese)"
    if "法治" not in text and "法制" not in text and "依法" not in text:
        return "no mention of 法治"
    lines = [line for line in map(str.strip, text.split("\n")) if line]
    toc = sum(1 for line in lines if line[-1].isdigit() and _TOC_LINE.search(line))  # (ends in a digit: cheap first)
    if toc >= 3 and toc >= 0.5 * len(lines):
        return f"a table of contents, not a report ({toc} of {len(lines)} lines end in a page number)"
    # A notice that asks for reports quotes their parts but has none of its own;
    # a cover letter followed by the report it sends has them.
    notice = next((line for line in lines[:4] if _NOTICE_TITLE.search(line)), None)
    if notice and not any(s.type for s in doc.sections):
        return f"a notice, not a report ({notice})"
    return None
