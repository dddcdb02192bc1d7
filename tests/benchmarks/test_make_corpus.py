"""The synthetic corpus: deterministic, decodable, varied, and its answers true to its text."""
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.corpus import files
from benchmarks.corpus.grammar import compile_template, literal_text
from benchmarks.corpus.report import TEMPLATES, Concepts
from benchmarks.corpus.score import load_answer, read_facts, score, triples_of
from benchmarks.make_corpus import generate
from kg.build import build
from kg.normalize import normalize
from kg.vocab import QUOTES

ROOT = Path(__file__).resolve().parents[2]
N = 240


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    manifest = generate(N, 11, out)
    answers = {p.name: load_answer(out / files.ANSWERS, p.name) for p in sorted((out / files.REPORTS).glob("*.txt"))}
    return out, manifest, answers


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != files.MANIFEST:
            h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


def _decoded(path: Path, answer: dict) -> str:
    return path.read_bytes().decode(answer["encoding"]).replace("\r\n", "\n")


def test_same_seed_same_files_and_report_i_does_not_depend_on_n(corpus, tmp_path):
    out, _, _ = corpus
    again = generate(40, 11, tmp_path / "again")
    for i in range(40):
        name = files.name_of(i)
        assert (tmp_path / "again" / "reports" / f"{name}.txt").read_bytes() == (out / "reports" / f"{name}.txt").read_bytes()
    assert again["reports"] == 40
    other = generate(40, 12, tmp_path / "other")
    assert _digest(tmp_path / "other") != _digest(tmp_path / "again")
    assert other["seed"] == 12


def test_known_shares_of_script_encoding_and_county(corpus):
    out, manifest, answers = corpus
    scripts = Counter(a["script"] for a in answers.values())
    encodings = Counter(a["encoding"] for a in answers.values())
    assert scripts["traditional"] == N // 20 == manifest["scripts"]["traditional"]
    assert encodings["gbk"] + encodings.get("gb18030", 0) == N // 10
    issuers = Counter(a["division"]["issuer"] for a in answers.values())
    assert issuers == {"township": N * 16 // 20, "county": N * 2 // 20, "department": N * 2 // 20}
    no_county = sum(1 for a in answers.values() if not a["division"]["county_named"])
    assert no_county == manifest["no_county"] and 0.18 <= no_county / issuers["township"] <= 0.22


def test_files_decode_with_the_declared_encoding(corpus):
    out, _, answers = corpus
    for name, answer in answers.items():
        raw = (out / "reports" / name).read_bytes()
        text = raw.decode(answer["encoding"])        # raises if the declaration is wrong
        assert raw.startswith(b"\xef\xbb\xbf") == (answer["encoding"] == "utf-8-sig")
        assert ("\r\n" in text) == (answer["newline"] == "crlf")
    gbk = [n for n, a in answers.items() if a["encoding"] == "gbk"]
    assert gbk and all(_not_utf8((out / "reports" / n).read_bytes()) for n in gbk)


def _not_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def test_traditional_files_are_traditional(corpus):
    out, _, answers = corpus
    for name, answer in answers.items():
        text = _decoded(out / "reports" / name, answer)
        # 法治政府建设 is in every report; its traditional form is 法治政府建設
        assert ("法治政府建設" in text) == (answer["script"] == "traditional"), name


def _stated(text: str, concepts: Concepts) -> list[tuple[int, str]]:
    """Reference scan, independent of kg.vocab's matcher: every curated label found by
    str.find in the normalized, quote-free text, leftmost-longest; (source offset, prefLabel)."""
    norm = normalize(text)
    kept = [i for i, ch in enumerate(norm.text) if ch not in QUOTES]
    view = "".join(norm.text[i] for i in kept).lower()
    spans = []
    for key, pref in concepts.owner.items():
        if len(key) < 2:
            continue
        at = view.find(key)
        while at >= 0:
            spans.append((at, at + len(key), pref))
            at = view.find(key, at + 1)
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out, cursor = [], 0
    for start, end, pref in spans:
        if start >= cursor:
            out.append((norm.to_source(kept[start], kept[start] + 1)[0], pref))
            cursor = end
    return out


def _section_at(answer: dict, pos: int):
    for k, s in enumerate(answer["sections"]):
        if s["start"] <= pos < s["end"]:
            return k
    return None


def test_answers_list_exactly_the_curated_concepts_each_part_states(corpus):
    out, _, answers = corpus
    concepts = Concepts.load()
    for name, answer in answers.items():
        text = _decoded(out / "reports" / name, answer)
        found = Counter((pref, _section_at(answer, pos)) for pos, pref in _stated(text, concepts))
        expected = Counter((m["label"], m["section"]) for m in answer["mentions"] if not m["unseen"])
        assert set(found) == set(expected), (name, set(found) ^ set(expected))


def test_every_answered_label_is_in_its_part_and_plan_only_ones_only_there(corpus):
    out, _, answers = corpus
    concepts = Concepts.load()
    planned_seen = 0
    for name, answer in answers.items():
        text = _decoded(out / "reports" / name, answer)
        parts = [text[s["start"]:s["end"]] for s in answer["sections"]]
        for m in answer["mentions"]:
            assert m["section"] is not None and m["surface"] in parts[m["section"]], (name, m)
        types = answer["section_types"]
        plan_only = set(answer["mechanisms"]["planned"]) | set(answer["campaigns"]["planned"])
        planned_seen += len(plan_only)
        # every place the text states a plan-only concept (read leftmost-longest, as a
        # matcher would: 权力清单 inside 小微权力清单 is the other concept) is in the plan
        for pos, pref in _stated(text, concepts):
            if pref in plan_only:
                section = _section_at(answer, pos)
                assert section is not None and types[section] == "NextYearPlan", (name, pref, pos)
        for figure in answer["measurements"]:
            assert figure["written"] in parts[figure["section"]], (name, figure)
    assert planned_seen > N // 4


def test_filler_names_no_concept_and_no_discovery_head():
    """Everything outside slots is filler: a concept in it would be missing from the answers."""
    import tomllib

    data = tomllib.loads(TEMPLATES.read_text(encoding="utf-8"))
    heads = tomllib.loads((ROOT / "kg" / "data" / "discovery.toml").read_text(encoding="utf-8"))["campaign"]["heads"]
    concepts = Concepts.load()

    def templates(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for x in node:
                yield from templates(x)
        elif isinstance(node, dict):
            for k, v in node.items():
                if k not in ("mechanisms", "unseen", "issuer", "departments", "numbers"):
                    yield from templates(v)

    for source in templates(data):
        for fragment in literal_text(compile_template(source)):
            assert not concepts.contains_label(fragment), (source, fragment)
            assert not any(h in fragment for h in heads), (source, fragment)
            assert not any(q in fragment for q in QUOTES), (source, fragment)


def test_varied_text_not_seed_copies(corpus):
    out, _, answers = corpus
    # sentences of the prose (headings are set phrases of the genre and may repeat)
    sentence = re.compile(r"[^。；\n]{15,}[。；]")
    seed_sentences = {s for p in (ROOT / "seeds").glob("*.txt") for s in sentence.findall(p.read_text(encoding="utf-8"))}
    per_report: Counter = Counter()
    copied = total = 0
    for name, answer in answers.items():
        sentences = set(sentence.findall(_decoded(out / "reports" / name, answer)))
        total += len(sentences)
        copied += len(sentences & seed_sentences)
        per_report.update(sentences)
    assert total > N * 15
    assert copied / total < 0.002, copied
    # no long sentence is shared by more than a tenth of the reports
    assert per_report.most_common(1)[0][1] < N / 10, per_report.most_common(3)
    sizes = [(out / "reports" / n).stat().st_size for n in answers]
    assert 3000 < sum(sizes) / len(sizes) < 9000


def test_pathological_file_is_one_huge_line_of_figures(tmp_path):
    manifest = generate(1, 5, tmp_path, pathological=True)
    path = tmp_path / "reports" / manifest["pathological"]
    lines = path.read_text(encoding="utf-8").split("\n")
    assert path.stat().st_size >= 10 * 1024 * 1024
    assert max(len(line) for line in lines) > 3_000_000
    assert len(re.findall(r"\d+次", lines[2])) >= 1_000_000
    assert json.loads((tmp_path / "answers" / "zz_pathological.answer.json").read_text())["pathological"]


def test_built_reports_give_the_answers_division_and_year(corpus, tmp_path):
    out, _, answers = corpus
    # a handful: simplified, traditional, GBK, CRLF; township, county and department reports
    picked = [files.name_of(i) + ".txt" for i in (0, 1, 3, 4, 7, 16, 18, 27)]
    for name in picked:
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_bytes((out / "reports" / name).read_bytes())
    result = build([tmp_path / "in"], tmp_path / "out", validate=False)
    assert result.reports == len(picked), result.skipped
    graph = read_facts(triples_of(result.graph_path), set(picked))
    s = score(graph, {n: answers[n] for n in picked})
    assert s.year == {"right": len(picked)}
    assert s.division["wrong"] == 0 and s.division["missing"] == 0, s.division
