"""The vocabulary matcher on real sentences and on the variants real reports write."""
import pytest

from kg.normalize import normalize
from kg.vocab import LabelMatcher, concepts_of, load_concepts, matcher
from kg.model import Concept


def prefs(text, scheme=("mechanism", "campaign")):
    return [h.concept.pref_label for h in matcher(scheme).find(normalize(text).text)]


@pytest.mark.parametrize("text, expected", [
    ("建立了人民调解、行政调解、司法调解“三调联动”工作机制", "三调联动"),
    ("始终坚持和发展新时代“枫桥经验”。", "新时代枫桥经验"),
    ("始終堅持和發展新時代「楓橋經驗」。", "新时代枫桥经验"),           # traditional, corner quotes
    ("严格执行行政执法“三项制度”规定", "行政执法三项制度"),
    ("村级按照“四议两公开”制度要求", "四议两公开"),
    ("组织开展“12·4”国家宪法日和宪法宣传周等集中宣传活动", "国家宪法日"),
    ("组织开展12.4国家宪法日宣传", "国家宪法日"),
    ("组织开展１２•４国家宪法日宣传", "国家宪法日"),                  # full-width digits, bullet dot
    ("利用“4.15”全民国家安全教育日", "全民国家安全教育日"),
    ("以深入推动“八五”普法为总抓手", "八五普法"),
])
def test_labels_and_variants_are_found(text, expected):
    assert expected in prefs(text)


def test_longest_label_wins_and_spans_exclude_quotes():
    text = normalize("发挥新时代“枫桥经验”作用").text
    (hit,) = matcher(("mechanism", "campaign")).find(text)
    assert hit.concept.pref_label == "新时代枫桥经验"
    assert text[hit.start:hit.end] == "新时代“枫桥经验"


def test_generic_phrases_are_not_concepts():
    assert prefs("全面践行习近平法治思想，加强法治宣传，推进依法行政") == []


def test_vocabularies_are_loaded_from_ontology():
    assert len(concepts_of("mechanism")) >= 80
    assert len(concepts_of("campaign")) >= 30
    assert all(c.iri.isascii() for c in load_concepts())


def test_a_new_concept_is_data_not_code():
    m = LabelMatcher([Concept("x:1", "mechanism", "一村一辅警", ("一村一警",))])
    assert [h.concept.iri for h in m.find("全面落实“一村一警”制度")] == ["x:1"]


def _naive_find(m, text):
    """The matcher's contract spelled out character by character (slow, obviously right)."""
    from kg.vocab import QUOTES
    kept = [i for i, ch in enumerate(text) if ch not in QUOTES]
    view = "".join(text[i] for i in kept).lower()
    spans = sorted(((end - n + 1, end + 1, c) for end, (n, c) in m._automaton.iter(view)),
                   key=lambda s: (s[0], -(s[1] - s[0])))
    out, cursor = [], 0
    for s, e, c in spans:
        if s >= cursor:
            out.append((kept[s], kept[e - 1] + 1, c.iri))
            cursor = e
    return out


def test_offsets_around_quotes_on_the_seed_reports():
    from pathlib import Path
    m = matcher(("mechanism", "campaign", "indicator"))
    for path in sorted(Path(__file__).parent.parent.joinpath("seeds").glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8")).text
        assert "“" in text
        assert [(h.start, h.end, h.concept.iri) for h in m.find(text)] == _naive_find(m, text)
        assert all(text[h.start:h.end] == h.surface for h in m.find(text))


def test_repeated_search_of_one_text_is_not_changed_by_its_callers():
    text = normalize("发挥新时代“枫桥经验”作用，落实行政执法“三项制度”").text
    m = matcher(("mechanism", "campaign"))
    first = m.find(text)
    first.clear()                                  # a caller may keep and change its list
    again = m.find(text)
    assert [h.concept.pref_label for h in again] == ["新时代枫桥经验", "行政执法三项制度"]
    assert m.find(text[:10]) != again              # another text is searched afresh
