"""Real input files for the loader tests, written the way their producers write them.

PDF: reportlab with its built-in STSong-Light CID font (Adobe-GB1; no font file
needed), A4, justified paragraphs with a two-character first-line indent, a
running header and a "— 1 —" page number, as Word exports a 红头 report.
.docx: python-docx.  HTML: a page in the style of a county government site
(TRS-style template, the 政府网站发展指引 meta tags, navigation, breadcrumb,
发布时间/来源 line, share and print links, related links, footer).
"""
from __future__ import annotations

import html
import io

import docx
from PIL import Image, ImageDraw
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=22, firstLineIndent=24,
                      alignment=TA_JUSTIFY, wordWrap="CJK")
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=28, alignment=TA_CENTER, wordWrap="CJK")


def _pdf_safe(text: str) -> str:
    # STSong-Light has the middle dot of “12·4” under U+30FB (pdfminer reads it back as U+00B7).
    return html.escape(text.replace("\u00b7", "\u30fb"))


def pdf_bytes(paragraphs: list[str], *, title: list[str] = (), header: str | None = "加勤乡人民政府",
              page_numbers: bool = True, table: list[list[str]] | None = None) -> bytes:
    """A report as a PDF: centred title lines, then justified indented paragraphs."""
    def furniture(canvas, doc):
        canvas.setFont(FONT, 10)
        if header:
            canvas.drawCentredString(A4[0] / 2, A4[1] - 40, header)
        if page_numbers:
            canvas.drawCentredString(A4[0] / 2, 40, f"— {doc.page} —")

    story = [Paragraph(_pdf_safe(t), TITLE) for t in title]
    story += [Paragraph(_pdf_safe(p), BODY) for p in paragraphs]
    if table:
        story.append(Table([[Paragraph(_pdf_safe(c), BODY) for c in row] for row in table]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title="report").build(story, onFirstPage=furniture, onLaterPages=furniture)
    return out.getvalue()


def scanned_pdf_bytes() -> bytes:
    """A scanned page: one image, no text layer."""
    scan = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(scan).rectangle((50, 50, 550, 120), fill=0)   # a black bar where the title was
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.drawImage(ImageReader(scan), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    return out.getvalue()


def docx_bytes(paragraphs: list[str], *, title: list[str] = (), table: list[list[str]] | None = None,
               table_after: int = 0) -> bytes:
    d = docx.Document()
    for t in title:
        d.add_paragraph(t)
    for i, p in enumerate(paragraphs):
        d.add_paragraph(p)
        if table and i == table_after:
            t = d.add_table(rows=len(table), cols=len(table[0]))
            for r, row in enumerate(table):
                for c, cell in enumerate(row):
                    t.cell(r, c).text = cell
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def gov_page(paragraphs: list[str], *, title: str, charset: str = "utf-8", meta: bool = True,
             published: str | None = "2025-01-20 10:30", source: str = "加勤乡人民政府",
             canonical: str | None = "http://www.suoxian.gov.cn/zwgk/fzzfjs/202501/t20250120_123456.html",
             body_html: str | None = None, extra_head: str = "") -> bytes:
    """A report page of a county government site, encoded in ``charset``."""
    e = html.escape
    head_meta = ""
    if meta:
        head_meta = f"""
<meta name="SiteName" content="索县人民政府">
<meta name="SiteDomain" content="www.suoxian.gov.cn">
<meta name="SiteIDCode" content="5406300001">
<meta name="ColumnName" content="法治政府建设">
<meta name="ArticleTitle" content="{e(title)}">
{f'<meta name="PubDate" content="{published}">' if published else ""}
<meta name="ContentSource" content="{e(source)}">"""
    body = body_html if body_html is not None else "\n".join(
        f'<p style="text-indent:2em;">{e(p)}</p>' for p in paragraphs)
    info = f"<span>发布时间：{published}</span>" if published else ""
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>{e(title)}-索县人民政府</title>{head_meta}
{f'<link rel="canonical" href="{canonical}">' if canonical else ""}
<link rel="stylesheet" href="/css/style.css"><script src="/js/jquery.js"></script>{extra_head}
</head>
<body>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="索县人民政府"></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zjsx/">走进索县</a></li></ul>
<div class="search"><input type="text" value="请输入关键字"><button>搜索</button></div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/fzzfjs/">法治政府建设</a></div>
<div class="article">
<h1 class="title">{e(title)}</h1>
<div class="info">{info}<span>来源：{e(source)}</span><span>浏览次数：<script>document.write(123)</script></span>
<span>字号：[ <a href="#">大</a> <a href="#">中</a> <a href="#">小</a> ]</span></div>
<div class="TRS_Editor" id="zoom">
{body}
</div>
<div class="share">分享到：<a href="#">微信</a><a href="#">微博</a></div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="related"><h3>相关链接</h3><ul>
<li><a href="/zwgk/fzzfjs/202401/t20240125_1.html">索县2023年度法治政府建设情况报告</a><span class="date">2024-01-25</span></li>
<li><a href="/zwgk/tzgg/202403/t20240301_2.html">关于开展2024年普法工作的通知</a><span class="date">2024-03-01</span></li></ul></div>
<div class="footer"><p>主办单位：索县人民政府办公室　承办单位：索县融媒体中心</p>
<p>版权所有&copy;2023 网站标识码：5406300001　<a href="https://beian.miit.gov.cn">藏ICP备12345678号</a></p>
<p>地址：西藏自治区那曲市索县亚拉镇　联系电话：0896-1234567</p></div>
</body></html>
"""
    return page.encode(charset)
