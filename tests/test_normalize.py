import unicodedata
import re
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import normalize as normalize_module
from kg.model import NormalizedText
from kg.normalize import QUOTES, normalize, strip_quotes

SEEDS = sorted((Path(__file__).parents[1] / "seeds").glob("*.txt"))


def check_map(src: str, n: NormalizedText) -> None:
    assert len(n.offsets) == len(n.text) + 1
    assert all(0 <= o <= len(src) for o in n.offsets)
    assert all(a <= b for a, b in zip(n.offsets, n.offsets[1:]))
    assert n.offsets[-1] == len(src)


def maps_to(src_ch: str, ch: str) -> bool:
    """``ch`` is (part of) the normalization of ``src_ch``: its character rule, or a straight
    double quote curled by its place in the line."""
    mapped = normalize_module._map_char(src_ch)
    return ch in mapped or (mapped == '"' and ch in "“”")


def find_source(src: str, n: NormalizedText, needle: str) -> str:
    i = n.text.index(needle)
    s, e = n.to_source(i, i + len(needle))
    return src[s:e]


@pytest.mark.parametrize(
    "src, expected",
    [
        ("（一）加强组织领导，健全工作机制：", "(一)加强组织领导,健全工作机制:"),
        ("一是法治意识有待提高；二是执法力量薄弱！是否？", "一是法治意识有待提高;二是执法力量薄弱!是否?"),
        ("共开展安全生产检查５６次，达到１００％", "共开展安全生产检查56次,达到100%"),
        ("１．推行依法行政决策", "1.推行依法行政决策"),
        ("二、存在的不足", "二、存在的不足"),
        ("学习《中华人民共和国宪法》。", "学习《中华人民共和国宪法》。"),
        ("“三调联动”和‘一村一律师’……", "“三调联动”和‘一村一律师’……"),
        ("平安安多\u3000LED屏", "平安安多 LED屏"),      # U+3000 and NBSP become a space...
        ("法治\u00a0100%", "法治 100%"),
        ("平安安多\u3000法治微讲堂", "平安安多法治微讲堂"),  # ...that goes between ideographs
        ("法治\u00a0宣传", "法治宣传"),
        ("安装ＬＥＤ显示屏", "安装LED显示屏"),
        ("⼀村⼀律师", "一村一律师"),           # Kangxi radicals from PDF text layers
        ("①加强学习②规范执法", "①加强学习②规范执法"),   # circled numbering is kept
    ],
)
def test_character_normalization(src, expected):
    n = normalize(src)
    assert n.text == expected
    check_map(src, n)


@pytest.mark.parametrize("dot", list("·•・‧∙⋅●･"))
def test_dot_family_becomes_one_dot(dot):
    src = f"结合“12{dot}4”国家宪法日和“4{dot}15”全民国家安全教育日"
    n = normalize(src)
    assert n.text == "结合“12·4”国家宪法日和“4·15”全民国家安全教育日"
    assert n.offsets == tuple(range(len(src) + 1))


def test_ascii_dot_and_chinese_date_are_left_alone():
    src = "利用“4.15”全民国家安全教育日、9.16平西藏宣传日和十二月四日宪法日,增长1.5%"
    assert normalize(src).text == src.replace(",", ",")


@pytest.mark.parametrize(
    "src, expected",
    [
        ("加 勤 乡人民政府", "加勤乡人民政府"),
        ("坚持和发展新时代“枫 桥 经 验”", "坚持和发展新时代“枫桥经验”"),
        ("加\u3000\u3000勤\u00a0 乡", "加勤乡"),                     # a run of mixed spaces
        ("加 勤 乡 2 0 2 4 年 法 治 政 府", "加勤乡 2 0 2 4 年法治政府"),  # letter-spaced title
        ("二 〇 二 四 年", "二〇二四年"),
        ("安装 LED 显示屏 20 块, 覆盖 3 个村", "安装 LED 显示屏 20 块, 覆盖 3 个村"),
        ("《宪法》 学习", "《宪法》 学习"),                               # punctuation is no ideograph
        ("法治\t宣传", "法治\t宣传"),                                    # a tab is a table cell
        ("法治\n宣传", "法治\n宣传"),
        ("關 於 開 展", "关于开展"),                                      # before t2s: phrases convert
        ("⼀ 村 ⼀ 律 师", "一村一律师"),                                 # Kangxi radicals are ideographs after NFKC
    ],
)
def test_layout_spaces_between_ideographs_are_deleted(src, expected):
    n = normalize(src)
    assert n.text == expected
    check_map(src, n)
    for i, ch in enumerate(n.text):          # every character still points at its own source
        assert maps_to(src[n.offsets[i]], ch) or ch in opencc.OpenCC("t2s").convert(src[n.offsets[i]])


def test_layout_spaces_map_back_to_the_source():
    src = "关于\u3000加 勤 乡2024年法治政府建设情况的报告\n加 勤 乡人民政府"
    n = normalize(src)
    assert n.text == "关于加勤乡2024年法治政府建设情况的报告\n加勤乡人民政府"
    assert find_source(src, n, "加勤乡2024年") == "加 勤 乡2024年"
    assert find_source(src, n, "法治政府") == "法治政府"
    i = n.text.rindex("加勤乡")
    s, e = n.to_source(i, i + 3)
    assert (src[s:e], s) == ("加 勤 乡", src.rindex("加"))
    q = strip_quotes(normalize("发挥“枫 桥 经 验”作用"))
    assert find_source("发挥“枫 桥 经 验”作用", q, "发挥枫桥经验") == "发挥“枫 桥 经 验"


@pytest.mark.parametrize(
    "src, expected",
    [
        ("第一部分\u3000工作成效", "第一部分工作成效"),   # kg.sections reads 第一部分 without a space
        ("一、 加强组织领导", "一、 加强组织领导"),
        ("（一） 加强组织领导", "(一) 加强组织领导"),
        ("一 主要成效", "一 主要成效"),                # a spaced heading number is numbering
        ("\u3000\u3000二\u3000存在的问题", "  二 存在的问题"),
        ("一 村 一 律 师", "一村一律师"),              # unless the whole line is letter-spaced
        ("工作 一 主要成效", "工作一主要成效"),        # only at a line start
    ],
)
def test_heading_numbers_keep_their_space(src, expected):
    assert normalize(src).text == expected


def test_heading_structure_is_unchanged_by_layout_spaces():
    from kg.model import SourceText
    from kg.sections import structure

    def parts(text):
        doc = structure(SourceText("r.txt", "r.txt", text, "utf-8", ""), normalize(text))
        return [(s.level, s.number, s.heading) for s in doc.sections]

    plain = "关于2024年法治政府建设情况的报告\n一、主要成效\n(一)加强学习\n法治意识提高。\n二、存在问题\n意识不强。"
    for spaced in ["关于2024年法治政府建设情况的报告\n一、 主要成效\n（一） 加强学习\n法治意识提高。\n二、 存在问题\n意识不强。",
                   "关 于 2024 年 法 治 政 府 建 设 情 况 的 报 告\n一 主要成效\n(一)加 强 学 习\n法治意识提高。\n二 存在问题\n意识不强。"]:
        assert [(lvl, num, h.strip()) for lvl, num, h in parts(spaced)][1:] == parts(plain)[1:]
    assert [p[0] for p in parts("报告\n第一部分\u3000主要成效\n加强。\n第二部分\u3000存在问题\n不足。")] == [0, 1, 1]


@pytest.mark.parametrize(
    "src, expected",
    [
        ('开展"宪法宣传周"活动', "开展“宪法宣传周”活动"),
        ("开展＂宪法宣传周＂和＂法律明白人＂培养", "开展“宪法宣传周”和“法律明白人”培养"),
        ('推行"一村一律师"\n"三官一律"进网格', "推行“一村一律师”\n“三官一律”进网格"),   # parity per line
        ('引用"法治\n建设"一词', '引用"法治\n建设"一词'),        # odd on each line: left alone
        ('"枫桥经验"和“三调联动”', "“枫桥经验”和“三调联动”"),
        ("it's '宪法'", "it's '宪法'"),                          # single quotes are left alone
    ],
)
def test_straight_double_quotes_become_curly_by_parity(src, expected):
    n = normalize(src)
    assert n.text == expected
    assert n.offsets == tuple(range(len(src) + 1))


def test_expanding_characters_keep_the_map():
    src = "㈠加强⑴学习"
    n = normalize(src)
    assert n.text == "(一)加强(1)学习"
    check_map(src, n)
    assert n.offsets[:3] == (0, 0, 0)                 # all of "(一)" comes from ㈠
    assert find_source(src, n, "(1)学习") == "⑴学习"
    assert find_source(src, n, "一") == "㈠"


def test_debris_and_invisible_characters_are_deleted():
    src = "[bookmark: _GoBack]2024年,\u200b在县委\u00ad县政府\ufeff的领导下[bookmark: OLE_LINK1]开展工作。"
    n = normalize(src)
    assert n.text == "2024年,在县委县政府的领导下开展工作。"
    check_map(src, n)
    assert find_source(src, n, "2024年") == "2024年"
    assert find_source(src, n, "县委县政府") == "县委\u00ad县政府"
    assert find_source(src, n, "开展工作。") == "开展工作。"


def test_newlines_are_kept_and_unified():
    src = "一、主要成效\r\n(一)加强\r二、存在问题\u2028三、下一步\x0c四、"
    n = normalize(src)
    assert n.text == "一、主要成效\n(一)加强\n二、存在问题\n三、下一步\n四、"
    check_map(src, n)
    assert src[n.offsets[n.text.index("(一)")]] == "("


def test_control_characters_are_deleted_but_tabs_kept():
    src = "指标\t数量\x07\n法治宣传活动\t58"
    assert normalize(src).text == "指标\t数量\n法治宣传活动\t58"


def test_traditional_becomes_simplified_phrase_aware():
    src = "關於2024年度法治政府建設情況的報告,頭髮,乾隆年間"
    n = normalize(src)
    assert n.text == "关于2024年度法治政府建设情况的报告,头发,乾隆年间"
    assert n.offsets == tuple(range(len(src) + 1))


def test_simplified_text_is_not_converted():
    # 乾 and 著 are also standard simplified characters: a simplified line is kept.
    src = "陕西省乾县著名的法治文化广场,显著提升"
    assert normalize(src).text == src


def test_whole_traditional_report_equals_simplified_original():
    simplified = SEEDS[4].read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2t").convert(simplified)
    assert traditional != simplified
    back, original = normalize(traditional).text, normalize(simplified).text
    assert len(back) == len(original)
    # OpenCC is not perfectly reversible (熏陶 -> 燻陶 -> 薰陶); nearly all is.
    assert sum(a != b for a, b in zip(back, original)) <= 3


def test_length_changing_conversion_falls_back_to_characters(monkeypatch):
    class Phrasey:
        """A converter whose phrase mode changes the length of a line."""

        def convert(self, s):
            return "X" if len(s) > 1 else {"關": "关", "於": "于"}.get(s, s)

    normalize_module._traditional_only()     # built (and cached) with the real converter
    monkeypatch.setattr(normalize_module, "_converter", lambda: Phrasey())
    src = "一、關於法治\n二、關於"
    n = normalize(src)
    assert n.text == "一、关于法治\n二、关于"
    check_map(src, n)


def test_traditional_text_with_debris_maps_back_to_the_source():
    src = "[bookmark: _GoBack]（二）堅持和發展新時代“楓橋經驗”，開展“１２•４”國家憲法日活動。"
    n = normalize(src)
    assert n.text == "(二)坚持和发展新时代“枫桥经验”,开展“12·4”国家宪法日活动。"
    assert find_source(src, n, "新时代“枫桥经验”") == "新時代“楓橋經驗”"
    assert find_source(src, n, "12·4") == "１２•４"
    q = strip_quotes(n)
    assert find_source(src, q, "新时代枫桥经验") == "新時代“楓橋經驗"
    assert find_source(src, q, "12·4国家宪法日") == "１２•４”國家憲法日"


@pytest.mark.parametrize(
    "src, label, source_span",
    [
        ("发挥新时代“枫桥经验”作用", "新时代枫桥经验", "新时代“枫桥经验"),
        ("严格执行行政执法“三项制度”规定", "行政执法三项制度", "行政执法“三项制度"),
        ("以“八五”普法为抓手", "八五普法", "八五”普法"),
        ("落实「一村一律师」制度", "一村一律师", "一村一律师"),
        ("开展＂宪法宣传周＂活动", "宪法宣传周", "宪法宣传周"),
    ],
)
def test_strip_quotes_lets_labels_match_plainly(src, label, source_span):
    q = strip_quotes(normalize(src))
    check_map(src, q)
    assert not set(QUOTES) & set(q.text)
    assert find_source(src, q, label) == source_span


def test_strip_quotes_without_quotes_is_identity():
    n = normalize("加强组织领导")
    assert strip_quotes(n) is n


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seeds(path):
    src = path.read_text(encoding="utf-8")
    n = normalize(src)
    check_map(src, n)
    assert "（" not in n.text and "，" not in n.text and "[bookmark" not in n.text
    assert normalize(n.text).text == n.text            # idempotent
    # every normalized character comes from a source character that maps to it
    for i, ch in enumerate(n.text):
        assert maps_to(src[n.offsets[i]], ch)


# --- properties -----------------------------------------------------------------

SPECIALS = "（）,，；：“”‘’\"'「」·•・●  法\u00a0\u3000\u200b\ufeff\u00ad\r\n\t㈠⑴①…⼀ﬁ¨\ud800關於發展[bookmark: _GoBack]"
texts = st.text(
    alphabet=st.one_of(st.characters(codec=None, blacklist_categories=()), st.sampled_from(SPECIALS)),
    max_size=200,
) | st.lists(st.sampled_from(["[bookmark: _GoBack]", "關於", "法治", "\r\n", "（一）", "“12•4”", "乾隆", "ﬁ", " ", "\u3000", "一 ", "\n"]),
             max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_never_raises_and_map_is_sound(src):
    n = normalize(src)
    check_map(src, n)
    q = strip_quotes(n)
    check_map(src, q)
    for start in range(0, len(n.text) + 1, 7):
        s, e = n.to_source(start, min(start + 5, len(n.text)))
        assert 0 <= s <= e <= len(src)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", blacklist_characters="[")))
def test_characters_map_to_their_source_character(src):
    """Without traditional characters and debris, every normalized character
    is the normalization of the source character its offset names."""
    # a compatibility ideograph may NFKC to a traditional-only character, which is then converted
    if normalize_module._traditional_only().search(src + unicodedata.normalize("NFKC", src)):
        return
    n = normalize(src)
    for i, ch in enumerate(n.text):
        if ch == "\n" and src[n.offsets[i]] == "\n":
            continue
        assert maps_to(src[n.offsets[i]], ch)
    assert re.sub(r"\r(?=\n)", "", src).count("\n") <= n.text.count("\n")
