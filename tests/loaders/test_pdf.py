"""PDF: reading order, rejoined lines, no page furniture; and the PDFs that cannot be read."""
import io
import re

import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from kg.load import LoadError, load
from kg.loaders import UnusableFile
from kg.loaders.pdf import load_pdf
from tests.loaders import documents
from tests.loaders.seeds import ALL, NO_TITLE, TWO_LINE_TITLE, seed_lines


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("seed", ALL)
def test_seed_report_comes_back_line_for_line(tmp_path, seed):
    lines = seed_lines(seed)
    src = load(write(tmp_path, "r.pdf", documents.pdf_bytes(lines)))
    assert src.encoding == "pdf"
    # Every paragraph is one line again (lines wrapped by the layout are joined,
    # across page breaks too), headings stay on their own line, and the running
    # header and the "— 1 —" page numbers are gone.
    assert src.text.split("\n") == lines


def test_the_pdf_really_wraps_and_breaks_pages(tmp_path):
    import pdfplumber

    data = documents.pdf_bytes(seed_lines(NO_TITLE))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        raw = [page.extract_text() for page in pdf.pages]
    assert len(raw) >= 3
    assert all(page.startswith("加勤乡人民政府") for page in raw)
    assert [page.splitlines()[-1] for page in raw] == [f"— {i} —" for i in range(1, len(raw) + 1)]
    assert sum(len(page.splitlines()) for page in raw) > 3 * len(seed_lines(NO_TITLE))


def test_centred_title_lines_stay_lines(tmp_path):
    lines = seed_lines(TWO_LINE_TITLE)
    title, body = lines[:2], lines[2:]
    src = load(write(tmp_path, "r.pdf", documents.pdf_bytes(body, title=title, header=None)))
    assert src.text.split("\n") == title + body


def test_paragraphs_without_indent_still_keep_headings_apart(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "BODY", ParagraphStyle("flat", parent=documents.BODY, firstLineIndent=0))
    lines = seed_lines(NO_TITLE)
    text = load(write(tmp_path, "r.pdf", documents.pdf_bytes(lines))).text.split("\n")
    headings = [l for l in lines if re.match(r"[一二三四五六七八九十]、|（[一二三四五六七八九十]）", l)]
    assert len(headings) >= 6
    assert all(h in text for h in headings)
    # Only a paragraph that happens to end exactly at the margin may run into the next.
    assert "".join(text) == "".join(lines)


def _filler(n: int, start: int) -> str:
    """``n`` Chinese characters of a seed report (no digits, no punctuation), from ``start``."""
    chinese = re.sub(r"[^\u4e00-\u9fff]", "", "".join(seed_lines(NO_TITLE)))
    return (chinese * 2)[start:start + n]


# Runs a layout engine will not break: moved whole to the next line when they do not fit.
RUNS = ["8000份", "4.3万元", "99%", "LED显示屏", "1,200余人次", "12345678件"]


@pytest.mark.parametrize("indent", [24, 0], ids=["indented", "flat"])
@pytest.mark.parametrize("run", RUNS)
def test_a_run_moved_to_the_next_line_does_not_end_the_paragraph(tmp_path, monkeypatch, run, indent):
    # "…发放宣传资料约 / 8000份": reportlab (like Word) moves the run whole, so the line
    # before ends short of the margin.  Every place of the run along the line is tried.
    monkeypatch.setattr(documents, "BODY", ParagraphStyle("b", parent=documents.BODY, firstLineIndent=indent))
    paragraphs = [f"{_filler(n, 40 * n)}约{run}，受教育群众参加现场活动。" for n in range(60, 76)]
    data = documents.pdf_bytes(paragraphs, header=None, page_numbers=False)
    text = load(write(tmp_path, "r.pdf", data)).text
    if indent:
        assert text.split("\n") == paragraphs
    else:   # without indents a paragraph that happens to end at the margin may run on (see above)
        assert "".join(text.split("\n")) == "".join(paragraphs)
        assert all(f"约{run}" in line for line in text.split("\n"))


def test_a_short_line_before_a_number_is_still_a_paragraph_end(tmp_path, monkeypatch):
    # Flat paragraphs: the last line of one ends short with 。 (or far from the margin),
    # and the next starts with a year: two paragraphs, not one.  (n = 69 leaves 2.6
    # characters of room, less than "2024" and a character; longer ones end at the margin.)
    monkeypatch.setattr(documents, "BODY", ParagraphStyle("b", parent=documents.BODY, firstLineIndent=0))
    paragraphs = []
    for n in range(60, 70):
        paragraphs += [f"{_filler(n, 40 * n)}。", f"2024年开展{_filler(8, 7 * n)}{n}场。", _filler(4, 3 * n),
                       f"2024年完成{_filler(9, 11 * n)}{n}件"]
    data = documents.pdf_bytes(paragraphs, header=None, page_numbers=False)
    assert load(write(tmp_path, "r.pdf", data)).text.split("\n") == paragraphs


def test_a_moved_run_wider_than_two_characters(tmp_path):
    # Justified lines end at the margin; "123456元" (about 33 pt) did not fit in the 31 pt left
    # after "涉及金额", so the line ends more than two characters short of the margin.
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    left, right = 78, A4[0] - 78
    body = _filler(34 + 22 + 30 + 10, 500)
    lines = [(102, body[:34]), (left, body[34:56] + "，全年共办理案件涉及金额"), (left, "123456元，" + body[56:86]),
             (left, body[86:] + "。")]
    for i, (x, t) in enumerate(lines):
        width = pdfmetrics.stringWidth(t, documents.FONT, 12)
        full = i in (0, 2)      # justified: spread to the right margin
        c.setFont(documents.FONT, 12)
        c.drawString(x, 760 - 22 * i, t, charSpace=(right - x - width) / (len(t) - 1) if full else 0)
    c.save()
    assert 24 < right - (left + pdfmetrics.stringWidth(lines[1][1], documents.FONT, 12)) < 33
    assert load_pdf(out.getvalue()).text == "".join(t for _, t in lines)


@pytest.mark.parametrize("footer", ["第 {n} 页 共 9 页", "- {n} -", "{n}/9", "{n}", "第{n}页"])
def test_page_number_styles(tmp_path, footer):
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    pages = [["一、主要措施及成效", "加强组织领导。"], ["二、存在的问题", "法治意识有待提高。"]]
    for n, lines in enumerate(pages, 1):
        c.setFont(documents.FONT, 12)
        for i, line in enumerate(lines):
            c.drawString(72, 760 - 20 * i, line)
        c.setFont(documents.FONT, 10)
        c.drawCentredString(A4[0] / 2, 40, footer.format(n=n))
        c.showPage()
    c.save()
    assert load_pdf(out.getvalue()).text.split("\n") == pages[0] + pages[1]


def test_a_number_in_the_text_is_not_a_page_number(tmp_path):
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont(documents.FONT, 12)
    c.drawString(72, 760, "共开展法治宣传活动")
    c.drawString(72, 740, "58")
    c.drawString(72, 720, "场次。")
    c.save()
    assert load_pdf(out.getvalue()).text == "共开展法治宣传活动\n58\n场次。"


def _encrypted(user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(documents.pdf_bytes(seed_lines(NO_TITLE)))))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256",
                   permissions_flag=pypdf.constants.UserAccessPermissions.PRINT)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_that_needs_a_password(tmp_path):
    with pytest.raises(LoadError) as e:
        load(write(tmp_path, "locked.pdf", _encrypted("user-secret")))
    assert e.value.reason == "encrypted PDF (a password is needed to open it)"
    assert e.value.path.endswith("locked.pdf")


def test_pdf_restricted_by_an_owner_password_is_read(tmp_path):
    src = load(write(tmp_path, "no-copy.pdf", _encrypted("")))
    assert src.text.split("\n") == seed_lines(NO_TITLE)


def test_scanned_pdf_has_no_text_layer(tmp_path):
    with pytest.raises(LoadError) as e:
        load(write(tmp_path, "scan.pdf", documents.scanned_pdf_bytes()))
    assert e.value.reason == "no text layer (scanned PDF?)"


def test_fonts_without_unicode_mapping(tmp_path):
    # The same font made unreadable the way broken exports are: Identity-H
    # encoding, an unknown character collection, no ToUnicode map.
    data = documents.pdf_bytes(seed_lines(NO_TITLE)[:3])
    data = data.replace(b"/UniGB-UCS2-H", b"/Identity-H  ").replace(b"(GB1)", b"(XX1)")
    with pytest.raises(LoadError) as e:
        load(write(tmp_path, "cid.pdf", data))
    assert e.value.reason.startswith("no usable text layer")


@pytest.mark.parametrize("damage", [
    lambda good: good[: len(good) // 2],                       # truncated download
    lambda good: good[:200] + bytes(200) + good[400:],        # a zeroed block
    lambda good: "关于2024年法治政府建设情况的报告".encode("utf-8"),  # a text file named .pdf
    lambda good: b"%PDF-1.7\n" + bytes(range(256)) * 4,
])
def test_corrupt_pdf(tmp_path, damage):
    good = documents.pdf_bytes(seed_lines(NO_TITLE)[:5], header=None)
    try:
        src = load(write(tmp_path, "bad.pdf", damage(good)))
    except LoadError as e:
        assert e.reason.startswith(("not a valid PDF", "no text layer", "no usable text layer")), e.reason
    else:   # pdfminer recovers some damage; then what it reads is the report's text
        assert src.text.startswith("2024年")


def test_loader_reason_for_garbage():
    with pytest.raises(UnusableFile, match="not a valid PDF"):
        load_pdf(b"\x00" * 100)
