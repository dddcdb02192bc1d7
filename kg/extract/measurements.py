"""Measurements: every "number + unit" a report states, with what it counts.

``开展法治宣传活动58场次`` becomes a :class:`~kg.model.Mention` of kind
``"measurement"`` over ``58场次`` whose :class:`~kg.model.Quantity` is
``58 场次`` with indicator ``法治宣传活动``, and whose ``concept`` is the
curated indicator of ``ontology/indicators.ttl`` that the phrase names (or a
*discovered* concept when none does).

How it reads a figure:

* numbers are found and parsed by :mod:`kg.numbers` (``2000余``, ``三十``,
  ``1.2万``, ``4-8``); units come from ``ontology/units.ttl`` (longest wins:
  场次 before 场), and a unit followed by a character that makes it another
  word (人员, 村民, 起草) is not a unit;
* the indicator is the phrase just before the number, trimmed at light verbs
  (开展, 发放, 组织 ...) and scope words (全年, 全乡, 其中 ...); when nothing is
  left it is the noun after the unit (``每天指派4-8名交通劝导员``);
* dates, ordinals (第三次), numbers inside 《titles》 or short “quoted names”,
  and set phrases listed as ``fz:NumeralName`` (三项制度, 两个维护) are skipped,
  and so is a bare 一 or 二 (一起, 一次, 一个, 二次供水 are words, not counts;
  counting uses 两) and a bare 百/千/万 (千家万户).

The span is the number and its unit with the approximation markers written
against them (``2000余份``, ``近百人``, ``100%以上``).

``同比下降11%`` is a measurement with the indicator concept 同比变化; its
indicator label is prefixed with the figure it compares when that figure comes
just before in the same sentence (``成功调解同比下降``).  The value is the
number as written (11), the direction is in the label.

Only ``doc.text`` and the section types are read: a figure in the next-year
plan is a target, not a measurement of the year's work, and the numbering of an
item ("2." in "2.6个村") is not part of a number.  A table row of a .docx
("法治宣传活动\t58\t场次") reads like the sentence it stands for.  No word
segmentation: an over-long indicator phrase is cut by a character rule.

>>> from kg.model import Document, SourceText, NormalizedText
>>> t = "共开展法治宣传活动58场次，发放宣传资料2000余份。"
>>> d = Document(SourceText("x", "x", t, "utf-8", ""), NormalizedText(t, tuple(range(len(t) + 1))), (), ())
>>> [(m.surface, str(m.quantity.value), m.quantity.unit, m.quantity.approximate, m.quantity.indicator)
...  for m in extract(d)]
[('58场次', '58', '场次', False, '法治宣传活动'), ('2000余份', '2000', '份', True, '宣传资料')]
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Optional

import ahocorasick
from pypinyin import Style, lazy_pinyin
from rdflib import Graph, Namespace
from rdflib.namespace import RDF, RDFS, SKOS

from kg import numbers
from kg.model import Concept, Document, Mention, Quantity
from kg.vocab import ontology

NAME = "measurements"

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
FZ = Namespace("https://w3id.org/fazhi-kg/ont#")
INDICATOR_BASE = "https://w3id.org/fazhi-kg/id/indicator/"
INDICATOR_SCHEME = "https://w3id.org/fazhi-kg/id/scheme/indicators"
#: The curated concept for a figure whose object could not be read.
UNKNOWN_INDICATOR = "其他数量"
#: The curated concept for a change against last year (同比下降11%).
CHANGE_INDICATOR = "同比变化"

# -- grammar of the phrase before a number ------------------------------------
# These are function words of the genre, not domain knowledge: the words a
# report puts between "what is counted" and the number.

# Verbs that introduce the counted thing (开展X58场次): cut there.  Not cut when
# they head a rate or amount (完成率, 覆盖率, 参与数).
_LIGHT_VERBS = (
    "深入开展 组织开展 开展 组织 举办 举行 召开 召集 邀请 发放 印发 分发 派发 发送 转发 推送 发布 张贴 悬挂 "
    "设置 设立 制作 编印 印制 录制 播放 新建 建成 打造 创建 建立 更新 确定 配备 配齐 聘请 选聘 选派 指派 "
    "派出 出动 投入 参加 参与 参训 参会 完成 实现 进行 提供 开设 签订 签署 接受 覆盖 惠及 吸引 涉及 发现 "
    "走进 安排 落实 制定 出台 推出 评选 评定 表彰 培养 培育 选树 收集 征集 收到 新增 增加 形成 累计完成"
).split()
# Scope, time and connective words: cut there and never part of the phrase.
_FUNCTION_WORDS = (
    "其中 包括 包含 据统计 经统计 截止目前 截至目前 截止到目前 截至 截止 目前 全年 今年 年内 本年度 先后 累计 "
    "共计 合计 总计 分别 另外 此外 同时 期间 以来 全乡 全镇 全县 全市 全区 全村 全旗 全街道 辖区内 全社会 "
    "每天 每日 每周 每月 每季度 每年 为期 通过 利用 围绕 针对 结合 线上线下 不间断 不定期 定期 等 共"
).split()
# Words trailing the phrase right before the number (化解率达98%, 办结率为100%).
_TRAILING = (
    "达到 已达 高达 多达 共计 合计 累计 总计 共有 增至 降至 提升至 提高至 提高到 提升到 上升至 上升到 下降至 "
    "下降到 减少至 增加至 增加到 保持在 控制在 达至 分别为 分别 达 为 共 有 是 均 已 等 的 了"
).split()
_LEADING = "了 的 并 和 及 与 向 再 又 还 都 也 已 就 将 把 被 给 让 共".split()
_DETERMINERS = re.compile("各类|各种|各项|各级")
_DATE_HEAD = re.compile(r"^(?:年度|年|月份|月|日|号|季度)(?:以来|来|初|底|末|中|内|上半年|下半年|期间)?")
_CUT_RE = re.compile(
    "|".join(
        [rf"(?P<L>{'|'.join(sorted(_LIGHT_VERBS, key=len, reverse=True))})(?![率量数面])"]
        + [rf"(?P<F>{'|'.join(sorted(_FUNCTION_WORDS, key=len, reverse=True)).replace('|共', '|(?<!公)共')})"]
    )
)
# A trailing word is not stripped when it ends a longer word (行为, 人均, 公共, 平等).
_KEEP_BEFORE = {"为": "行作认成因称", "有": "所拥现具享", "达": "表到传送抵下", "均": "人平", "共": "公", "等": "平同相对"}
_TRAILING_RE = re.compile(
    "(?:"
    + "|".join(
        (f"(?<![{_KEEP_BEFORE[w]}])" if w in _KEEP_BEFORE else "") + w
        for w in sorted(_TRAILING, key=len, reverse=True)
    )
    + ")$"
)
_LONE_PREPOSITIONS = frozenset("在对向从于经")
_LEADING_RE = re.compile(rf"^(?:{'|'.join(_LEADING)})+")
# After the unit, these end the counted noun (3名法律顾问参加培训).
_AFTER_STOP_RE = re.compile(
    "|".join(sorted(_LIGHT_VERBS + _FUNCTION_WORDS, key=len, reverse=True)) + "|[在于对被把将向从到为是有都均已每等的了和及与]"
)
_SENTENCE_END_RE = re.compile(r"[。！？!?；;\n]")
_MAX_WINDOW = 24
_MAX_PHRASE = 12
_OPEN_QUOTES, _CLOSE_QUOTES = "“「『\"", "”」』\""


# -- data --------------------------------------------------------------------

@lru_cache(maxsize=1)
def _units_graph() -> Graph:
    return ontology()   # the shared parse of ontology/*.ttl (units.ttl is in it)


@lru_cache(maxsize=1)
def _units() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(written form -> unit label, label -> notBefore chars, label -> kind) from units.ttl."""
    g = _units_graph()
    written, not_before, kind = {}, {}, {}
    for u in g.subjects(RDF.type, FZ.Unit):
        label = str(g.value(u, RDFS.label))
        for form in [label] + [str(a) for a in g.objects(u, SKOS.altLabel)]:
            written[form] = label
        not_before[label] = str(g.value(u, FZ.notBefore) or "")
        kind[label] = str(g.value(u, FZ.unitKind) or "count")
    return written, not_before, kind


@lru_cache(maxsize=1)
def _numeral_names() -> re.Pattern:
    """The fz:NumeralName phrases of units.ttl (三项制度, 两个维护), as one pattern."""
    g = _units_graph()
    names = sorted({str(g.value(n, RDFS.label)) for n in g.subjects(RDF.type, FZ.NumeralName)}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)) or "(?!)")


@lru_cache(maxsize=1)
def _quantity_re() -> re.Pattern:
    written, not_before, _ = _units()
    units = []
    for form in sorted(written, key=len, reverse=True):
        nb = not_before[written[form]]
        units.append(re.escape(form) + (f"(?![{re.escape(nb)}])" if nb else ""))
    n, cn = numbers.NUMERAL, numbers.CN_DIGITS + numbers.CN_MAGNITUDES
    # Every match starts with a digit, a Chinese numeral, 百 (百分之) or an approximation prefix:
    # checking that one character first skips most positions before the lookbehinds and
    # alternatives are tried (the same matches, found in about half the time).
    first = "".join(sorted({p[0] for p in numbers.APPROX_PREFIX.split("|")} | set(cn) | {"百"}))
    return re.compile(
        rf"(?=[\d{first}])"
        rf"(?<![\dA-Za-z{cn}])(?<!\d[,.．])"  # not inside a word or another number (1,200 / 4.15)
        rf"(?:(?P<pct>百分之)|(?P<pre>{numbers.APPROX_PREFIX}))?"
        rf"(?P<n1>{n})(?:[ ]?(?P<i1>{numbers.APPROX_INFIX}))?"
        rf"(?:[ ]?[%％]?[ ]?(?P<sep>{numbers.RANGE_SEPARATOR})[ ]?(?P<n2>{n})(?:[ ]?(?P<i2>{numbers.APPROX_INFIX}))?)?"
        rf"(?(pct)|[ \t\u00a0\u3000]?(?P<unit>{'|'.join(units)}))"
        rf"(?P<post>{numbers.APPROX_SUFFIX})?"
    )


@lru_cache(maxsize=1)
def _indicators() -> tuple[dict[str, Concept], dict[str, tuple[str, ...]], ahocorasick.Automaton, frozenset]:
    """Curated indicators: (label -> concept, iri -> unit hints, automaton over labels, curated slugs)."""
    g = ontology()      # the shared parse of ontology/*.ttl (indicators.ttl is in it)
    by_label: dict[str, Concept] = {}
    hints: dict[str, tuple[str, ...]] = {}
    for c in sorted(g.subjects(RDF.type, FZ.Indicator)):
        pref = str(g.value(c, SKOS.prefLabel))
        alts = tuple(sorted(str(a) for a in g.objects(c, SKOS.altLabel)))
        concept = Concept(str(c), "indicator", pref, alts)
        hints[str(c)] = tuple(sorted(str(h) for h in g.objects(c, FZ.unitHint)))
        for label in (pref,) + alts:
            by_label.setdefault(label, concept)
    auto = ahocorasick.Automaton()
    for label in by_label:
        auto.add_word(label, label)
    auto.make_automaton()
    slugs = frozenset(c.iri[len(INDICATOR_BASE):] for c in by_label.values())
    return by_label, hints, auto, slugs


@lru_cache(maxsize=65536)
def slug(phrase: str) -> str:
    """The toneless-pinyin slug of a phrase, for IRIs.

    >>> slug("法治宣传活动"), slug("LED显示屏")
    ('fa-zhi-xuan-chuan-huo-dong', 'led-xian-shi-ping')
    """
    s = "-".join(lazy_pinyin(phrase, style=Style.NORMAL))
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


@lru_cache(maxsize=65536)
def indicator_concept(phrase: str, unit: Optional[str] = None) -> Concept:
    """The indicator concept a phrase names.

    The curated concept whose label (pref or alt) matches best: the exact label,
    else the longest label contained in the phrase (the rightmost on a tie, as
    Chinese noun phrases end in their head), else the shortest label containing
    the phrase.  A phrase that starts with a two-character verb is also tried
    with the verb moved to the end (检查食品药品经营单位 -> 食品药品经营单位检查).
    ``unit`` breaks ties in favour of concepts whose ``fz:unitHint`` has it.
    Otherwise a discovered concept whose label is the phrase.

    >>> indicator_concept("法治宣传活动").pref_label
    '法治宣传活动'
    >>> indicator_concept("解答群众法律咨询").pref_label
    '法律咨询'
    >>> indicator_concept("排查矛盾纠纷").pref_label, indicator_concept("公开政务信息").pref_label
    ('矛盾纠纷排查', '政务信息公开')
    >>> c = indicator_concept("交通劝导志愿者")
    >>> c.discovered, c.iri
    (True, 'https://w3id.org/fazhi-kg/id/indicator/jiao-tong-quan-dao-zhi-yuan-zhe')
    """
    by_label, hints, auto, curated = _indicators()
    phrase = phrase.strip()
    if not phrase:
        return by_label[UNKNOWN_INDICATOR]

    def unit_bonus(c: Concept) -> int:
        return int(unit is not None and unit in hints[c.iri])

    candidates = [phrase] + ([phrase[2:] + phrase[:2]] if len(phrase) >= 4 else [])
    for cand in candidates:
        if cand in by_label:
            return by_label[cand]
    best, best_key = None, None
    for rank, cand in enumerate(candidates):
        for end, label in auto.iter(cand):
            c = by_label[label]
            key = (len(label), -rank, end, unit_bonus(c), c.iri)
            if best_key is None or key > best_key:
                best, best_key = c, key
    if best is not None:
        return best
    if len(phrase) >= 3:
        containing = [(len(lb), -unit_bonus(c), c.iri, c) for lb, c in by_label.items() if phrase in lb]
        if containing:
            return min(containing)[3]
    s = slug(phrase)
    if not s or s in curated:  # a homophone of a curated label must not take its IRI
        s = (s + "-" if s else "x-") + hashlib.sha1(phrase.encode("utf-8")).hexdigest()[:8]
    return Concept(INDICATOR_BASE + s, "indicator", phrase, (), discovered=True)


# -- the phrase around a number ----------------------------------------------

# The last characters of the trailing words and the leading words: a phrase that neither
# ends nor starts with one is left as it is without running the two patterns (they run
# several times for every number of a report).
_TRAILING_LAST = frozenset(w[-1] for w in _TRAILING)
_LEADING_FIRST = frozenset(w[0] for w in _LEADING)


def _strip(seg: str) -> str:
    prev = None
    while seg != prev:
        prev = seg
        if seg[-1:] in _TRAILING_LAST:
            seg = _TRAILING_RE.sub("", seg)
        if seg[:1] in _LEADING_FIRST:
            seg = _LEADING_RE.sub("", seg)
    return "" if seg in _LONE_PREPOSITIONS else seg  # 在全镇21个村: 在 names nothing


# Where a phrase may be cut to keep its head: after a particle or preposition, or after
# the name of the body that acts (镇政府, 常务会议, 司法所) - the counted thing follows.
_HEAD_START = re.compile(
    r"(?<=[的和及与或对为把将向从在经所校])|(?<=政府|会议|专栏|网站|党委|党组|支部)|(?<=办公室|公众号|中心组|委员会)"
)


def _trim_long(phrase: str) -> str:
    """Keep the head of an over-long phrase: its longest tail of at most 12 characters
    that starts after a particle or an acting body, else its last 12 characters.

    A character rule rather than word segmentation: it runs for every long phrase
    of every report, and gives the labels jieba gave at a fraction of the cost.

    >>> _trim_long("依托乡政府信息公开专栏主动公开政府信息"), _trim_long("经合法性审查的重大行政决策事项")
    ('主动公开政府信息', '重大行政决策事项')
    """
    lo = len(phrase) - _MAX_PHRASE
    for m in _HEAD_START.finditer(phrase, lo):
        if m.start() < len(phrase) - 1:
            return phrase[m.start():]
    return phrase[lo:]


def _before(text: str, lo: int, start: int) -> tuple[str, str]:
    """(counted phrase, introducing verb) from the words just before a number at ``start``."""
    j = start
    while j > lo and text[j - 1] in " \t\u3000\u00a0":  # a table row: 法治宣传活动\t58\t场次
        j -= 1
    i = j
    while i > lo and text[i - 1].isalpha():  # words are letters (汉字 are); punctuation, digits, × end them
        i -= 1
    if i == j and j > lo and text[j - 1] in _CLOSE_QUOTES:
        q = max(text.rfind(o, lo, j - 1) for o in _OPEN_QUOTES)
        if q >= 0:  # 培育“法律明白人”1800余名: the quoted name is what is counted
            lo, j = q + 1, j - 1
            i = j
            while i > lo and text[i - 1].isalpha():
                i -= 1
    window = text[i:j]
    if i > 0 and text[i - 1].isdigit():  # 2024年公开政务信息: the rest of a date
        window = _DATE_HEAD.sub("", window)
    window = _strip(window)
    if "各" in window:      # (every determiner starts with 各; most windows have none)
        window = _DETERMINERS.sub("", window)
    segs, cuts, pos = [], [], 0
    for m in _CUT_RE.finditer(window):
        segs.append(_strip(window[pos : m.start()]))
        cuts.append(m)
        pos = m.end()
    segs.append(_strip(window[pos:]))
    last = segs[-1]
    verb = (cuts[-1].group("L") or "") if cuts else ""
    if not last:
        # 宣传资料发放2000份, 法律顾问覆盖全县196个村: the last words before the verb
        k = max((k for k, seg in enumerate(segs) if seg), default=-1)
        phrase = segs[k] + (cuts[k].group("L") or "") if k >= 0 else ""
    elif len(last) <= 2 and len(segs) > 1:
        prev = segs[-2]
        if prev:
            phrase = prev + last  # 执法人员参加培训 -> 执法人员培训
        elif verb + last in _indicators()[0]:
            phrase = verb + last  # 悬挂横幅, 涉及资金: the verb is part of the name
        else:
            phrase = last
    else:
        phrase = last
    if len(phrase) > _MAX_PHRASE:
        phrase = _trim_long(phrase)
    return phrase, verb


def _after(text: str, end: int) -> tuple[str, str]:
    """(counted noun, raw words) right after the unit: 4-8名交通劝导员."""
    i = end
    while i < len(text) and text[i] in " \u3000\u00a0的":
        i += 1
    j = i
    while j < len(text) and j - i < _MAX_PHRASE and text[j].isalpha():
        j += 1
    raw = text[i:j]
    m = _AFTER_STOP_RE.search(raw)
    noun = raw[: m.start()] if m else raw
    if noun.endswith(("中", "内")):  # 3个月的专项行动中
        noun = noun[:-1]
    return (noun if len(noun) >= 2 else ""), raw


# -- what is not a measurement ------------------------------------------------

def _inside_title_or_quote(text: str, start: int, end: int) -> bool:
    """Inside 《a title》, or a short “quoted name” such as “三项制度”.

    A straight quote opens or closes by its parity in the line: in
    "双随机、一公开"抽查26次，做到"无事不扰" the 26 stands between two names.

    >>> t = '"双随机、一公开"抽查26次，做到"无事不扰"'
    >>> _inside_title_or_quote(t, t.index("26"), t.index("26") + 2)
    False
    >>> t = '推行"135"工作法'
    >>> _inside_title_or_quote(t, t.index("135"), t.index("135") + 3)
    True
    """
    lo = max(0, start - _MAX_PHRASE)
    if text.rfind("《", lo, start) > text.rfind("》", lo, start):
        return True
    for o, c in zip(_OPEN_QUOTES, _CLOSE_QUOTES):
        q = text.rfind(o, lo, start)
        if q < 0:
            continue
        if o == c:
            line_start = text.rfind("\n", 0, q) + 1
            if text.count(o, line_start, start) % 2 == 0:   # the last one closed a quote
                continue
        elif text.find(c, q + 1, start) >= 0:
            continue
        if text.find(c, end, end + _MAX_PHRASE) >= 0:
            return True
    return False


def _in_numeral_name(text: str, start: int, end: int) -> bool:
    for m in _numeral_names().finditer(text, max(0, start - 8), min(len(text), end + 8)):
        if m.start() < end and start < m.end():
            return True
    return False


_CLAUSE_START = re.compile(r"[,，。;；:：!?！？\n]")
_LIST_SEPARATORS = re.compile(r"[、和及与]")


_LIST_NUMERALS = frozenset(numbers.CN_DIGITS + "十两")


def _sums_up_a_list(text: str, start: int, written: str, value) -> bool:
    """稳定、发展、生态、强边四件大事: a Chinese numeral that counts the list just before it
    names a set of things, it does not measure the year's work."""
    if not set(written) <= _LIST_NUMERALS or not 2 <= value <= 10:    # (most numbers are Arabic)
        return False
    cs = max((m.end() for m in _CLAUSE_START.finditer(text, max(0, start - 60), start)), default=max(0, start - 60))
    parts = _LIST_SEPARATORS.split(text[cs:start])
    return len(parts) == value and all(parts)


def _in_explained_name(text: str, start: int) -> bool:
    """推行“135”工作法，即“1个调解平台、3级调解网络…”: the quote after 即 spells out a name."""
    lo = max(0, start - 40)
    # (spelled out rather than max()/any() over generators: this runs for every number)
    q = max(text.rfind("“", lo, start), text.rfind("「", lo, start), text.rfind("『", lo, start))
    if q < 0 or text.find("”", q + 1, start) >= 0 or text.find("」", q + 1, start) >= 0 or text.find("』", q + 1, start) >= 0:
        return False
    return text[max(0, q - 2):q].rstrip(":：").endswith("即")


_MAGNITUDES = frozenset("百千万亿")
_NOT_APPROX_BEFORE = {"近": "最附邻靠亲就贴", "约": "签预节合公特制契邀相践违条简婚", "超": "赶高", "超过": "赶"}


def _read(text: str, m: re.Match) -> Optional[tuple[int, int, numbers.Number, str]]:
    """(start, end, number, unit) for a regex match, or None when it is not a measurement."""
    written = _units()[0]
    n1, n2 = m.group("n1"), m.group("n2")
    pre = m.group("pre")
    start = m.start()
    if pre and (
        (pre in ("上", "数", "几") and n1[0] not in "十百千万亿")
        or (start > 0 and text[start - 1] in _NOT_APPROX_BEFORE.get(pre, ""))
    ):
        pre, start = None, m.start("n1")
    if start > 0 and text[start - 1] == "第":
        return None  # ordinal: 第3次
    if m.group("pct"):
        unit = "%"
    else:
        unit = written[m.group("unit")]
        last = "n2" if n2 else "n1"
        glued = m.end(last) == m.start("unit")  # nothing (余, a space) between 万 and 元
        if unit == "元" and glued and len(m.group(last)) > 1 and m.group(last)[-1] in "万亿":
            unit = m.group(last)[-1] + "元"  # 3万元 is 3 万元, as written (10余万元 likewise)
            if n2:
                n2 = n2[:-1]
            else:
                n1 = n1[:-1]
    bare = not n2 and not pre and not m.group("i1") and not m.group("post")
    if bare and not m.group("pct") and (n1 in ("一", "二") or set(n1) <= _MAGNITUDES):
        return None  # 一起/一次/一个, 二次供水/二期 are words, not counts (两 counts); 千家万户 is an idiom
    # (the rare space after the number is checked first: the line before it can be long)
    if m.end("n1") < len(text) and text[m.end("n1")] in " \u3000" and not text[text.rfind("\n", 0, start) + 1:start].strip():
        return None  # "1 人民调解" at the start of a line is numbering
    written_number = (pre or "") + n1 + (m.group("i1") or "") + (("-" + n2 + (m.group("i2") or "")) if n2 else "")
    try:
        number = numbers.parse(written_number)
    except ValueError:
        return None
    if m.group("post"):
        number = numbers.Number(number.value, True, number.value_max)
    end = m.end()
    if _inside_title_or_quote(text, start, end) or _in_numeral_name(text, start, end):
        return None
    if (bare and _sums_up_a_list(text, start, n1, number.value)) or _in_explained_name(text, start):
        return None
    return start, end, number, unit


def extract(doc: Document) -> Iterable[Mention]:
    """Yield a measurement Mention for every "number + unit" statement of the year's work."""
    for m in _extract(_without_item_numbers(doc)):
        if doc.section_type_at(m.start) != "NextYearPlan":  # 力争创建示范村1个: a target
            yield m


def _without_item_numbers(doc: Document) -> str:
    """``doc.text`` with the numbering of line-start items ("2." of "2.6个村") blanked out."""
    text = doc.text
    chars = None
    for s in doc.sections[1:]:
        n = s.number
        if n.isdigit() and text.startswith(n, s.start) and text[s.start + len(n): s.start + len(n) + 1] in (".", ",", "、"):
            chars = chars if chars is not None else list(text)
            chars[s.start: s.start + len(n) + 1] = " " * (len(n) + 1)
    return "".join(chars) if chars is not None else text


def _extract(text: str) -> Iterator[Mention]:
    _, _, kinds = _units()
    prev_end, prev_phrase, prev_concept = 0, "", ""
    for m in _quantity_re().finditer(text):
        read = _read(text, m)
        if read is None:
            continue
        start, end, number, unit = read
        same_sentence = prev_phrase and not _SENTENCE_END_RE.search(text, prev_end, start)
        lo = max(prev_end, start - _MAX_WINDOW)
        phrase, verb = _before(text, lo, start)
        noun, raw_after = _after(text, end)
        if noun and len(phrase) <= 2 and kinds.get(unit, "count") == "count":
            phrase = phrase + noun  # 开展3次培训, 调解3起纠纷
        if not phrase:
            phrase = noun or raw_after or verb or UNKNOWN_INDICATOR
        if same_sentence and phrase.endswith("率") and len(phrase) <= 3 < len(prev_phrase) and prev_phrase.endswith("率"):
            phrase = prev_phrase[:-3] + phrase  # 信访案件化解率达98%，办结率为100%: the rates share a subject
        concept = indicator_concept(phrase, unit)
        label = phrase
        if same_sentence and concept.pref_label == CHANGE_INDICATOR and prev_concept != CHANGE_INDICATOR:
            label = prev_phrase + phrase  # 成功调解31次，同比下降11%: name what changed
        yield Mention(
            kind="measurement",
            start=start,
            end=end,
            surface=text[start:end],
            extractor=NAME,
            concept=concept,
            quantity=Quantity(number.value, unit, number.approximate, number.value_max, indicator=label),
        )
        prev_end, prev_phrase, prev_concept = end, phrase, concept.pref_label
