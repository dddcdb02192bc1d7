"""Bad input never escapes as anything but a LoadError, and no stage raises on any text.

Property tests: load() of arbitrary bytes, and of damaged copies of real files,
with every supported suffix either returns a SourceText or raises LoadError;
normalize, structure and the extractors never raise on any Unicode text.
"""
import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import extract
from kg.load import SUPPORTED_SUFFIXES, LoadError, load
from kg.model import SourceText
from kg.normalize import normalize
from kg.sections import looks_like_report, structure
from tests.loaders import documents
from tests.loaders.seeds import NO_TITLE, seed_lines

FIXTURE_DOC = Path(__file__).parents[1] / "fixtures" / "inputs" / "report.doc"
SUFFIXES = sorted(SUPPORTED_SUFFIXES)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def good_file(suffix: str) -> bytes:
    lines = seed_lines(NO_TITLE)[:6]
    if suffix == ".pdf":
        return documents.pdf_bytes(lines)
    if suffix == ".docx":
        return documents.docx_bytes(lines, table=[["指标", "数量"], ["法治宣传活动", "58场次"]])
    if suffix in (".doc", ".wps"):
        return FIXTURE_DOC.read_bytes()
    if suffix in (".html", ".htm", ".shtml"):
        return documents.gov_page(lines, title="加勤乡2024年度法治政府建设情况报告")
    return "\n".join(lines).encode("gb18030")


def load_bytes(data: bytes, suffix: str):
    """load() of ``data`` saved with ``suffix``: a SourceText, or the LoadError it raised."""
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"input{suffix}"
        p.write_bytes(data)
        try:
            return load(p)
        except LoadError as e:
            assert e.path == str(p) and e.reason and isinstance(e.reason, str)
            return e


def check(result) -> None:
    assert isinstance(result, (SourceText, LoadError)), type(result)
    if isinstance(result, SourceText):
        assert result.text.strip() and "\r" not in result.text
        assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in result.metadata)


@SETTINGS
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes_load_or_raise_load_error(data, suffix):
    check(load_bytes(data, suffix))


@SETTINGS
@given(suffix=st.sampled_from(SUFFIXES), prefix=st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04",
                                                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>"]),
       data=st.binary(max_size=2048))
def test_bytes_that_start_like_a_format(suffix, prefix, data):
    check(load_bytes(prefix + data, suffix))


@st.composite
def damaged(draw, suffix):
    good = bytearray(good_file(suffix))
    for _ in range(draw(st.integers(0, 8))):
        i = draw(st.integers(0, len(good) - 1))
        good[i] = draw(st.integers(0, 255))
    cut = draw(st.one_of(st.none(), st.integers(0, len(good))))
    return bytes(good[:cut] if cut is not None else good)


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".doc", ".html", ".txt"])
def test_damaged_real_files_load_or_raise_load_error(suffix):
    @SETTINGS
    @given(damaged(suffix))
    def run(data):
        check(load_bytes(data, suffix))

    run()


def pipeline(text: str) -> None:
    source = SourceText("r.txt", "r.txt", text, "utf-8", "0" * 64)
    doc = structure(source, normalize(text))
    looks_like_report(doc)
    for m in extract.run(doc):
        assert 0 <= m.start <= m.end <= len(doc.text)


REPORTISH = st.sampled_from(["一、", "(二)", "（三）", "1.", "①", "一是", "二是", "。", "；", "\n", "2024年", "二〇二五年一月",
                             "发布日期：", "2025-01-20", "“12·4”国家宪法日", "枫桥经验", "58场次", "十余人次", "%", "—— 1 ——",
                             "下一步工作打算", "存在的问题", "第一责任人", "\t", "\u3000", "\ufeff", "[bookmark: _GoBack]"])


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_no_stage_raises_on_any_text(text):
    pipeline(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(REPORTISH, st.text(max_size=8)), max_size=40).map("".join))
def test_no_stage_raises_on_report_like_text(text):
    pipeline(text)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1), st.text(), st.text(), st.text())
def test_any_text_in_a_web_page(text, address, date, source):
    # Page texts, addresses, dates and sources as broken as sites write them.
    page = documents.gov_page([text], title="报告", canonical="http://" + address, published=date or None,
                              source=source, extra_head=f'<!-- saved from url=(0010){address} -->')
    result = load_bytes(page, ".html")
    check(result)
    if isinstance(result, SourceText):
        pipeline(result.text)
