"""A seed report as .pdf, .docx and .html gives the graph its .txt gives; bad files are skipped by name.

Builds with kg.build.build() and compares, per report, what the graph says:
its township, year, sections (level, number, heading, type) and the facts
backed by its evidence (fz:implements / fz:plans / fz:participatesIn and their
objects).  Provenance offsets must point into the text the loader extracted.
"""
import io
import shutil
from pathlib import Path

import pypdf
import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import PROV, RDF

from kg.build import build
from kg.load import load
from tests.loaders import documents
from tests.loaders.seeds import NO_TITLE, SEEDS, TWO_LINE_TITLE, seed_lines

FZ = Namespace("https://w3id.org/fazhi-kg/ont#")
FACTS = (FZ.implements, FZ.plans, FZ.participatesIn)
PAGE_TITLE = {NO_TITLE: "加勤乡2024年度法治政府建设情况报告", TWO_LINE_TITLE: "安多县色务乡2024年度法治政府建设情况报告"}


def _formats(folder: Path, seed: str) -> dict[str, Path]:
    lines = seed_lines(seed)
    stem = seed[:3]
    files = {
        ".pdf": (folder / f"{stem}.pdf", documents.pdf_bytes(lines)),
        ".docx": (folder / f"{stem}.docx", documents.docx_bytes(lines)),
    }
    title = PAGE_TITLE[seed]
    body = lines[2:] if seed == TWO_LINE_TITLE else lines   # the page carries the title itself
    files[".html"] = (folder / f"{stem}.html", documents.gov_page(body, title=title))
    for path, data in files.values():
        path.write_bytes(data)
    return {suffix: path for suffix, (path, _) in files.items()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    txt_dir, other_dir = tmp_path_factory.mktemp("txt"), tmp_path_factory.mktemp("formats")
    files = {}
    for seed in (NO_TITLE, TWO_LINE_TITLE):
        shutil.copy(SEEDS / seed, txt_dir / seed)
        files[seed] = _formats(other_dir, seed)
    txt = build([txt_dir], tmp_path_factory.mktemp("out-txt"), validate=False)
    other = build([other_dir], tmp_path_factory.mktemp("out-formats"))
    return txt, other, files


def _report(g: Graph, name: str):
    reports = list(g.subjects(FZ.sourceFile, Literal(name)))
    assert len(reports) == 1, name
    return reports[0]


def _sections(g: Graph, report, with_preamble: bool) -> set:
    out = set()
    for s in g.objects(report, FZ.hasSection):
        level = int(g.value(s, FZ.sectionLevel))
        if level or with_preamble:
            out.add((level, str(g.value(s, FZ.sectionNumber) or ""), str(g.value(s, FZ.sectionHeading) or ""),
                     g.value(s, FZ.sectionType)))
    return out


def _facts(g: Graph, report) -> set:
    return {(g.value(st, RDF.predicate), g.value(st, RDF.object))
            for st in g.subjects(PROV.wasDerivedFrom, report)
            if g.value(st, RDF.predicate) in FACTS}


def summary(g: Graph, name: str, with_preamble: bool) -> dict:
    r = _report(g, name)
    return {"division": g.value(r, FZ.division), "year": g.value(r, FZ.year),
            "sections": _sections(g, r, with_preamble), "facts": _facts(g, r)}


def test_every_file_is_read(builds):
    txt, other, _ = builds
    assert (txt.reports, txt.skipped) == (2, [])
    assert (other.reports, other.skipped) == (6, [])
    assert other.conforms, other.validation_text


@pytest.mark.parametrize("seed", [NO_TITLE, TWO_LINE_TITLE])
@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html"])
def test_same_township_sections_and_facts_as_the_txt(builds, seed, suffix):
    txt, other, files = builds
    g_txt, g_other = Graph().parse(txt.graph_path), Graph().parse(other.graph_path)
    # The page adds its title as a first line to a report that has none (seed 000).
    with_preamble = not (suffix == ".html" and seed == NO_TITLE)
    expected = summary(g_txt, seed, with_preamble)
    got = summary(g_other, files[seed][suffix].name, with_preamble)
    assert len(expected["sections"]) >= 8 and len(expected["facts"]) >= 5
    assert expected["division"] is not None and expected["year"] == Literal(2024)
    assert got == expected


def test_page_metadata_reaches_the_graph(builds):
    _, other, files = builds
    g = Graph().parse(other.graph_path)
    r = _report(g, files[NO_TITLE][".html"].name)
    assert g.value(r, FZ.published) == Literal("2025-01-20")
    assert g.value(r, FZ.sourceSite) == Literal("www.suoxian.gov.cn")
    assert g.value(r, FZ.siteName) == Literal("索县人民政府")
    assert g.value(r, FZ.contentSource) == Literal("加勤乡人民政府")
    assert g.value(r, FZ.encoding) == Literal("html/utf-8")


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html"])
def test_provenance_offsets_point_into_the_extracted_text(builds, suffix):
    _, other, files = builds
    g = Graph().parse(other.graph_path)
    path = files[NO_TITLE][suffix]
    text = load(path).text
    r = _report(g, path.name)
    statements = [st for st in g.subjects(PROV.wasDerivedFrom, r) if g.value(st, RDF.predicate) in FACTS]
    assert statements
    for st in statements:
        start, end = int(g.value(st, FZ.charStart)), int(g.value(st, FZ.charEnd))
        assert text[start:end] and text[start:end] in str(g.value(st, FZ.quote))


# --- a batch of bad files ------------------------------------------------------------------

NOTICE = ["中共索县委员会全面依法治县委员会办公室", "关于报送2024年度法治政府建设情况报告的通知",
          "各乡（镇）人民政府，县直各部门：",
          "根据《法治政府建设与责任落实督察工作规定》和上级有关要求，为全面掌握全县法治政府建设工作情况，"
          "现就报送2024年度法治政府建设情况报告有关事项通知如下：",
          "一、报送内容",
          "各单位要对照《法治政府建设实施纲要（2021—2025年）》，全面总结2024年度推进法治政府建设的主要举措和成效、"
          "存在的不足和原因、党政主要负责人履行推进法治建设第一责任人职责情况、2025年度推进法治政府建设的主要安排。",
          "二、报送时间",
          "请各单位于2025年1月31日前将报告电子版报送县委依法治县办，并于2025年3月31日前通过本单位门户网站向社会公开。",
          "三、有关要求", "各单位要高度重视，严格把关，确保报告内容真实准确。逾期未报送的，将予以通报。",
          "联系人：张三，联系电话：0896-1234567。", "中共索县委员会全面依法治县委员会办公室", "2025年1月6日"]
CONTENTS = ["目  录"] + [f"{h}……………………………………{p}" for h, p in [
    ("一、2024年度法治政府建设主要举措和成效", 1), ("（一）加强党对法治政府建设的领导", 1),
    ("（二）依法全面履行政府职能", 2), ("（三）推进行政决策科学化民主化法治化", 3), ("（四）严格规范公正文明执法", 4),
    ("（五）强化行政权力制约和监督", 5), ("（六）依法有效化解社会矛盾纠纷", 6), ("二、存在的不足和原因", 7),
    ("三、党政主要负责人履行推进法治建设第一责任人职责情况", 8), ("四、2025年度推进法治政府建设的主要安排", 9)]]


def _locked_pdf(data: bytes) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_bad_files_are_skipped_with_name_and_reason_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    lines = seed_lines(NO_TITLE)
    good_pdf = documents.pdf_bytes(lines)
    good_docx = documents.docx_bytes(lines)
    (folder / "good.pdf").write_bytes(good_pdf)
    (folder / "good.html").write_bytes(documents.gov_page(lines, title=PAGE_TITLE[NO_TITLE]))
    (folder / "corrupt.docx").write_bytes(good_docx[: len(good_docx) // 3])
    (folder / "corrupt.pdf").write_bytes(good_pdf[: len(good_pdf) // 3])
    (folder / "locked.pdf").write_bytes(_locked_pdf(good_pdf))
    (folder / "scan.pdf").write_bytes(documents.scanned_pdf_bytes())
    (folder / "nav.html").write_bytes(documents.gov_page([], title=PAGE_TITLE[NO_TITLE], body_html=""))
    (folder / "notice.docx").write_bytes(documents.docx_bytes(NOTICE))
    (folder / "contents.pdf").write_bytes(documents.pdf_bytes(CONTENTS, header=None, page_numbers=False))
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))

    result = build([folder], tmp_path / "out", validate=False)
    reasons = {Path(s.path).name: s.reason for s in result.skipped}
    assert result.reports == 2
    assert set(reasons) == {"corrupt.docx", "corrupt.pdf", "locked.pdf", "scan.pdf", "nav.html",
                            "notice.docx", "contents.pdf", "old.doc"}
    assert reasons["corrupt.docx"].startswith("not a valid .docx")
    assert reasons["corrupt.pdf"].startswith("not a valid PDF")
    assert reasons["locked.pdf"] == "encrypted PDF (a password is needed to open it)"
    assert reasons["scan.pdf"] == "no text layer (scanned PDF?)"
    assert reasons["nav.html"] == "no article text in the page"
    assert reasons["notice.docx"] == "a notice, not a report (关于报送2024年度法治政府建设情况报告的通知)"
    assert reasons["contents.pdf"].startswith("a table of contents, not a report")
    assert "convert" in reasons["old.doc"] and ".doc" in reasons["old.doc"]
    assert (tmp_path / "out" / "graph.ttl").exists()
