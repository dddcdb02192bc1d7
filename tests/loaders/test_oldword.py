"""Old Word (.doc) and WPS (.wps) files, read with antiword; and a clear reason without it."""
import shutil
import zipfile
from pathlib import Path

import pytest

from kg.load import LoadError, load
from kg.loaders import oldword
from tests.loaders.seeds import seed_lines

FIXTURE = Path(__file__).parents[1] / "fixtures" / "inputs" / "report.doc"
SEED = "003_b24c3119e0d03373.txt"
needs_antiword = pytest.mark.skipif(shutil.which("antiword") is None,
                                    reason="antiword (Debian package, system-packages.txt) is not installed")


def copy_as(tmp_path, name):
    p = tmp_path / name
    p.write_bytes(FIXTURE.read_bytes())
    return p


@needs_antiword
@pytest.mark.parametrize("name", ["report.doc", "REPORT.DOC", "report.wps"])
def test_word_97_file_paragraphs_table_and_signature(tmp_path, name):
    src = load(copy_as(tmp_path, name))
    lines = seed_lines(SEED)
    assert src.encoding == Path(name).suffix.lower().lstrip(".")
    assert src.text.split("\n") == lines[:-1] + [
        "指标\t数量\t单位",
        "法治宣传活动\t58\t场次",
        "调解矛盾纠纷\t36\t件",
        lines[-1],
        "南宫市大村乡人民政府",
        "2025年1月15日",
    ]


@needs_antiword
def test_damaged_doc(tmp_path):
    data = FIXTURE.read_bytes()
    p = tmp_path / "bad.doc"
    p.write_bytes(data[:512] + bytes(len(data) - 512))
    with pytest.raises(LoadError) as e:
        load(p)
    assert e.value.reason.startswith("cannot read this .doc file (")
    assert e.value.reason.endswith("): convert it to .docx")


def test_docx_named_doc(tmp_path):
    p = tmp_path / "r.doc"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(LoadError) as e:
        load(p)
    assert e.value.reason == "not a Word 97-2003 file (a zip archive: rename it to .docx)"


def test_text_named_wps(tmp_path):
    p = tmp_path / "r.wps"
    p.write_text("法治政府建设情况报告", encoding="utf-8")
    with pytest.raises(LoadError) as e:
        load(p)
    assert e.value.reason == "not a Word 97-2003 file: convert .wps to .docx"


def test_without_antiword_the_reason_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(oldword, "antiword_available", lambda: False)
    with pytest.raises(LoadError) as e:
        load(copy_as(tmp_path, "report.doc"))
    assert e.value.reason == ("unsupported: reading .doc needs antiword (Debian package antiword); "
                              "or convert .doc to .docx")
