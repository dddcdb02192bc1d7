import codecs
import hashlib
import zipfile
from pathlib import Path

import docx
import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.loaders import text as load_module
from kg.load import LOADERS, SUPPORTED_SUFFIXES, Decoded, LoadError, decode_bytes, load

SEEDS = sorted((Path(__file__).parents[1] / "seeds").glob("*.txt"))

REPORT = """关于2024年度法治政府建设情况的报告
2024年，在县委、县政府的坚强领导下，我乡认真贯彻落实习近平法治思想，扎实推进法治政府建设。现将有关情况报告如下：
一、主要举措和成效
（一）加强组织领导
乡党委、政府高度重视法治建设，党政主要负责人履行推进法治建设第一责任人职责。组织开展“12·4”国家宪法日宣传活动，发放宣传资料2000余份。
二、存在的不足和原因
一是法治意识有待提高；二是执法队伍力量薄弱。
三、下一步工作打算
持续深化“八五”普法，坚持和发展新时代“枫桥经验”。
"""
TRADITIONAL = opencc.OpenCC("s2t").convert(REPORT)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seeds_load_as_utf8_with_hash_of_raw_bytes(path):
    src = load(path)
    raw = path.read_bytes()
    assert src.encoding == "utf-8"
    assert src.text == raw.decode("utf-8")
    assert src.sha256 == hashlib.sha256(raw).hexdigest()
    assert src.name == path.name and src.path == str(path)


@pytest.mark.parametrize(
    "codec, expected",
    [
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),       # with BOM
        ("utf-16-le", "utf-16"),    # no BOM: found by where the NULs sit
        ("utf-16-be", "utf-16"),
        ("utf-32", "utf-32"),
    ],
)
def test_encoding_is_detected_not_assumed(tmp_path, codec, expected):
    src = load(write(tmp_path, "r.txt", REPORT.encode(codec)))
    assert src.encoding == expected
    assert src.text == REPORT   # BOM removed, nothing else changed


def test_big5_traditional_report(tmp_path):
    src = load(write(tmp_path, "r.txt", TRADITIONAL.encode("big5")))
    assert src.encoding == "big5"
    assert src.text == TRADITIONAL
    assert "關於2024年度法治政府建設情況的報告" in src.text


def test_traditional_characters_in_gb18030_stay_gb18030(tmp_path):
    src = load(write(tmp_path, "r.txt", TRADITIONAL.encode("gb18030")))
    assert (src.encoding, src.text) == ("gb18030", TRADITIONAL)


def test_short_big5_snippet():
    assert decode_bytes("關於法治政府建設".encode("big5")) == ("關於法治政府建設", "big5")


def test_utf16_without_bom_and_without_newlines():
    # Pure CJK in UTF-16 has no NUL bytes at all.
    text = "法治政府建设情况报告加强组织领导健全法治建设工作机制"
    assert decode_bytes(text.encode("utf-16-le")) == (text, "utf-16")


def test_crlf_and_cr_become_newlines(tmp_path):
    src = load(write(tmp_path, "r.txt", "一、主要成效\r\n二、存在问题\r三、下一步\r\n".encode("gbk")))
    assert src.text == "一、主要成效\n二、存在问题\n三、下一步\n"


@pytest.mark.parametrize("data", [b"", b"   \r\n\t", codecs.BOM_UTF8, "\u3000\u3000\n".encode("utf-8"),
                                  codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")])
def test_empty_files(tmp_path, data):
    with pytest.raises(LoadError) as e:
        load(write(tmp_path, "empty.txt", data))
    assert e.value.reason == "empty file"
    assert e.value.path.endswith("empty.txt")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
        bytes(range(1, 32)) * 50 + "法治".encode("utf-8"),        # control characters, no NUL
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\nstream\n" + b"\x00\x01\x02\x03\x9c\xff" * 100,
    ],
)
def test_binary_files(tmp_path, data):
    with pytest.raises(LoadError) as e:
        load(write(tmp_path, "x.txt", data))
    assert e.value.reason == "binary file, not text"


def test_unsupported_suffix(tmp_path):
    with pytest.raises(LoadError) as e:
        load(write(tmp_path, "report.xls", b"whatever"))
    assert e.value.reason == "unsupported file type .xls"


def test_missing_file(tmp_path):
    with pytest.raises(LoadError) as e:
        load(tmp_path / "nope.txt")
    assert e.value.reason.startswith("cannot read")


def test_suffix_is_case_insensitive(tmp_path):
    assert load(write(tmp_path, "R.TXT", REPORT.encode("gbk"))).text == REPORT


def test_adding_a_loader_is_one_entry(tmp_path, monkeypatch):
    monkeypatch.setitem(LOADERS, ".md", lambda data: Decoded(data.decode("utf-8").upper(), "markdown"))
    src = load(write(tmp_path, "r.md", b"abc\r\n"))
    assert (src.text, src.encoding) == ("ABC\n", "markdown")
    assert {".txt", ".docx"} <= SUPPORTED_SUFFIXES
    # every format of issue 3 is registered (their tests live in tests/loaders/)
    assert {".pdf", ".html", ".htm", ".shtml", ".doc", ".wps"} <= SUPPORTED_SUFFIXES


# --- .docx -----------------------------------------------------------------

def make_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("关于2024年法治政府建设情况的报告")
    d.add_paragraph("一、主要举措和成效")
    table = d.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "数量"
    table.cell(0, 2).text = "单位"
    table.cell(1, 0).text = "法治宣传活动"
    table.cell(1, 1).text = "58"
    table.cell(1, 2).text = "场次"
    merged = table.cell(2, 0).merge(table.cell(2, 1))
    merged.text = "合计"
    table.cell(2, 2).text = "1"
    p = d.add_paragraph("组织开展“12·4”国家宪法日")
    p.add_run("宣传活动。")
    d.add_paragraph("二、存在的不足")
    d.save(path)
    return path


def test_docx_paragraphs_and_tables_in_body_order(tmp_path):
    path = make_docx(tmp_path / "r.docx")
    src = load(path)
    assert src.encoding == "docx"
    assert src.text.split("\n") == [
        "关于2024年法治政府建设情况的报告",
        "一、主要举措和成效",
        "指标\t数量\t单位",
        "法治宣传活动\t58\t场次",
        "合计\t1",                 # a merged cell appears once
        "组织开展“12·4”国家宪法日宣传活动。",
        "二、存在的不足",
    ]
    assert src.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"PK\x03\x04 this is not really a zip archive", "not a valid .docx"),
        (REPORT.encode("utf-8"), "not a valid .docx"),                 # a text file named .docx
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "not a valid .docx"),   # old .doc
    ],
)
def test_corrupt_docx(tmp_path, data, reason):
    with pytest.raises(LoadError) as e:
        load(write(tmp_path, "bad.docx", data))
    assert e.value.reason.startswith(reason)


def test_zip_that_is_not_a_word_document(tmp_path):
    path = tmp_path / "bad.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "法治")
    with pytest.raises(LoadError) as e:
        load(path)
    assert e.value.reason.startswith("not a valid .docx")


def test_truncated_docx(tmp_path):
    good = make_docx(tmp_path / "good.docx").read_bytes()
    with pytest.raises(LoadError) as e:
        load(write(tmp_path, "bad.docx", good[: len(good) // 2]))
    assert e.value.reason.startswith("not a valid .docx")


def test_empty_docx(tmp_path):
    path = tmp_path / "empty.docx"
    docx.Document().save(path)
    with pytest.raises(LoadError) as e:
        load(path)
    assert e.value.reason == "empty file"


# --- properties ----------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1).filter(lambda t: "\x00" not in t and not t.startswith("\ufeff")))
def test_any_utf8_text_round_trips(text):
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


SENTENCES = [line for line in REPORT.splitlines() if line]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=8), st.sampled_from(["gbk", "big5"]))
def test_chinese_legacy_encodings_round_trip(lines, codec):
    text = "\n".join(lines)
    if codec == "big5":
        text = opencc.OpenCC("s2t").convert(text)
    decoded, encoding = decode_bytes(text.encode(codec))
    assert decoded == text
    assert encoding == ("gb18030" if codec == "gbk" else "big5")


def test_plausibility_prefers_the_right_legacy_decoding():
    data = TRADITIONAL.encode("big5")
    as_gb = data.decode("gb18030", errors="replace")
    assert load_module._plausibility(TRADITIONAL) > 0.95
    assert load_module._plausibility(as_gb) < load_module._MIN_PLAUSIBLE


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_full_of_yi(codec):
    # 一 is U+4E00: its UTF-16 bytes hold a NUL on the "wrong" side.
    text = "一是进一步统一思想,一村一律师,一站式服务,一把手负总责。\n" * 3 + "二是加强学习。"
    assert decode_bytes(text.encode(codec)) == (text, "utf-16")
