"""Word 2007+ (.docx): a report with a 指标/数量 table, as county offices write them."""
import io
from pathlib import Path

import docx
import pytest

from kg.load import LoadError, load
from kg.normalize import normalize
from kg.sections import structure
from tests.loaders import documents
from tests.loaders.seeds import TWO_LINE_TITLE, seed_lines

TABLE = [
    ["序号", "指标", "数量", "单位", "备注"],
    ["1", "开展法治宣传活动", "58", "场次", "含“12·4”国家宪法日"],
    ["2", "发放宣传资料", "2000余", "份", ""],
    ["3", "调解矛盾纠纷", "36", "件", "调解成功率98%"],
]


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_realistic_table_cells_are_text_in_body_order(tmp_path):
    lines = seed_lines(TWO_LINE_TITLE)
    path = write(tmp_path, "r.docx", documents.docx_bytes(lines, table=TABLE, table_after=3))
    text = load(path).text.split("\n")
    assert text[:4] == lines[:4]
    assert text[4:8] == ["序号\t指标\t数量\t单位\t备注",
                         "1\t开展法治宣传活动\t58\t场次\t含“12·4”国家宪法日",
                         "2\t发放宣传资料\t2000余\t份\t",
                         "3\t调解矛盾纠纷\t36\t件\t调解成功率98%"]
    assert text[8:] == lines[4:]


def test_table_rows_are_sentences_of_their_section(tmp_path):
    lines = seed_lines(TWO_LINE_TITLE)
    src = load(write(tmp_path, "r.docx", documents.docx_bytes(lines, table=TABLE, table_after=3)))
    doc = structure(src, normalize(src.text))
    row = next(s for s in doc.sentences if s.text.startswith("1\t开展法治宣传活动"))
    assert row.text == "1\t开展法治宣传活动\t58\t场次\t含“12·4”国家宪法日"
    assert doc.section_type_at(row.start) == "Achievements"
    assert doc.year == 2024


def test_merged_header_cells_and_a_nested_table(tmp_path):
    d = docx.Document()
    d.add_paragraph("2024年法治建设主要指标")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "法治宣传教育"
    for c, v in enumerate(["指标", "数量", "单位"]):
        t.cell(1, c).text = v
    t.cell(2, 0).text = "普法讲座"
    t.cell(2, 1).text = "12"
    inner = t.cell(2, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "场"
    inner.cell(0, 1).text = "次"
    out = io.BytesIO()
    d.save(out)
    text = load(write(tmp_path, "r.docx", out.getvalue())).text.split("\n")
    assert text == ["2024年法治建设主要指标", "法治宣传教育", "指标\t数量\t单位", "普法讲座\t12\t场\t次"]


def test_old_word_file_named_docx(tmp_path):
    data = (Path(__file__).parents[1] / "fixtures" / "inputs" / "report.doc").read_bytes()
    with pytest.raises(LoadError) as e:
        load(write(tmp_path, "report.docx", data))
    assert e.value.reason == "not a valid .docx (an old Word 97-2003 file: rename it to .doc)"
