"""Saved government web pages: the article only, and where and when it was published."""
import pytest

from kg.load import LoadError, load
from tests.loaders.documents import gov_page
from tests.loaders.seeds import NO_TITLE, TWO_LINE_TITLE, seed_lines

TITLE = "加勤乡2024年度法治政府建设情况报告"
FURNITURE = ("首页", "政务公开", "当前位置", "发布时间", "浏览次数", "分享到", "打印本页", "相关链接",
             "2023年度法治政府建设情况报告", "普法工作的通知", "主办单位", "ICP备", "网站标识码")


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_article_of_a_county_site_page(tmp_path):
    lines = seed_lines(NO_TITLE)
    src = load(write(tmp_path, "t20250120_123456.html", gov_page(lines, title=TITLE)))
    assert src.text.split("\n") == [TITLE] + lines
    assert not [w for w in FURNITURE if w in src.text]
    assert src.encoding == "html/utf-8"
    assert dict(src.metadata) == {
        "published": "2025-01-20",
        "sourceUrl": "http://www.suoxian.gov.cn/zwgk/fzzfjs/202501/t20250120_123456.html",
        "sourceSite": "www.suoxian.gov.cn",
        "siteName": "索县人民政府",
        "contentSource": "加勤乡人民政府",
    }


def test_title_already_in_the_article_is_not_repeated(tmp_path):
    lines = seed_lines(TWO_LINE_TITLE)
    title = lines[0] + lines[1]
    src = load(write(tmp_path, "r.html", gov_page([title] + lines[2:], title=title)))
    assert src.text.split("\n") == [title] + lines[2:]


@pytest.mark.parametrize("declared", ["gb2312", "GBK", "gb18030"])
def test_page_in_a_legacy_chinese_charset(tmp_path, declared):
    lines = seed_lines(NO_TITLE)
    # GB18030 bytes are what a GBK system writes for every GBK character
    # (“12·4” has its dot at A1A4, which Python's gb2312 codec calls U+30FB).
    page = gov_page(lines, title=TITLE, charset="gb18030").replace(b"charset=gb18030", f"charset={declared}".encode())
    src = load(write(tmp_path, "r.htm", page))
    assert src.text.split("\n") == [TITLE] + lines
    assert src.encoding == "html/gb18030"


def test_mislabelled_charset_is_detected(tmp_path):
    # The template says utf-8, the CMS wrote GBK: common on county sites.
    page = gov_page(seed_lines(NO_TITLE), title=TITLE, charset="gb18030").replace(b"charset=gb18030", b"charset=utf-8")
    src = load(write(tmp_path, "r.html", page))
    assert src.text.split("\n") == [TITLE] + seed_lines(NO_TITLE)
    assert src.encoding == "html/gb18030"


@pytest.mark.parametrize("declared", ["rot13", "base64", "utf-16", "no-such-charset"])
def test_nonsense_charset_declarations_are_ignored(tmp_path, declared):
    page = gov_page(seed_lines(NO_TITLE), title=TITLE).replace(b"charset=utf-8", f"charset={declared}".encode())
    src = load(write(tmp_path, "r.html", page))
    assert src.text.split("\n") == [TITLE] + seed_lines(NO_TITLE)
    assert src.encoding == "html/utf-8"


def test_page_without_meta_tags_uses_the_visible_lines(tmp_path):
    page = gov_page(seed_lines(NO_TITLE), title=TITLE, meta=False, published="2025年01月20日 10:30",
                    source="索县司法局")
    src = load(write(tmp_path, "r.shtml", page))
    assert dict(src.metadata) == {
        "published": "2025-01-20",
        "sourceUrl": "http://www.suoxian.gov.cn/zwgk/fzzfjs/202501/t20250120_123456.html",
        "sourceSite": "www.suoxian.gov.cn",
        "contentSource": "索县司法局",
    }
    assert src.text.split("\n")[0] == TITLE


def test_no_date_is_better_than_a_wrong_one(tmp_path):
    # Only the related links (2024-01-25, 2024-03-01) and the footer (©2023) carry dates.
    page = gov_page(seed_lines(NO_TITLE), title=TITLE, meta=False, published=None, canonical=None)
    src = load(write(tmp_path, "r.html", page))
    assert "published" not in dict(src.metadata)
    assert "sourceSite" not in dict(src.metadata)


def test_open_graph_date_and_browser_saved_address(tmp_path):
    page = gov_page(seed_lines(NO_TITLE), title=TITLE, meta=False, published=None, canonical=None,
                    extra_head='\n<meta property="article:published_time" content="2025-02-03T09:00:00+08:00">')
    page = b"<!-- saved from url=(0058)https://www.naqu.gov.cn/zwgk/fzzf/202502/t20250203_9.html -->\n" + page
    src = load(write(tmp_path, "r.html", page))
    meta = dict(src.metadata)
    assert meta["published"] == "2025-02-03"
    assert meta["sourceUrl"] == "https://www.naqu.gov.cn/zwgk/fzzf/202502/t20250203_9.html"
    assert meta["sourceSite"] == "www.naqu.gov.cn"


def test_broken_addresses_are_no_source(tmp_path):
    page = gov_page(seed_lines(NO_TITLE), title=TITLE, meta=False, canonical="http://[www.suoxian.gov.cn/a.html")
    src = load(write(tmp_path, "r.html", page))
    assert "sourceUrl" not in dict(src.metadata) and "sourceSite" not in dict(src.metadata)


def test_table_rows_are_tab_separated_lines(tmp_path):
    lines = seed_lines(NO_TITLE)
    table = ("<table border='1'><tbody><tr><td><p>指标</p></td><td><p>数量</p></td><td><p>单位</p></td></tr>"
             "<tr><td>法治宣传活动</td><td>58</td><td>场次</td></tr></tbody></table>")
    body = "\n".join(f"<p>{line}</p>" for line in lines[:5]) + table + "\n".join(f"<p>{line}</p>" for line in lines[5:])
    src = load(write(tmp_path, "r.html", gov_page(lines, title=TITLE, body_html=body)))
    text = src.text.split("\n")
    assert text[6:8] == ["指标\t数量\t单位", "法治宣传活动\t58\t场次"]
    assert text[8:] == lines[5:]


def test_paragraphs_separated_by_line_breaks(tmp_path):
    lines = seed_lines(NO_TITLE)
    body = "<div>" + "<br/>\n".join("\u3000\u3000" + line for line in lines) + "</div>"
    src = load(write(tmp_path, "r.html", gov_page(lines, title=TITLE, body_html=body)))
    assert [line.lstrip("\u3000") for line in src.text.split("\n")] == [TITLE] + lines


@pytest.mark.parametrize("body", [
    "",                                                                  # the article is an attachment link only
    '<p><a href="/upload/2025/report.pdf">附件：加勤乡2024年度法治政府建设情况报告.pdf</a></p>',
])
def test_page_with_no_article(tmp_path, body):
    page = gov_page([], title=TITLE, body_html=body)
    with pytest.raises(LoadError) as e:
        load(write(tmp_path, "list.html", page))
    assert e.value.reason == "no article text in the page"


def test_list_page_of_links(tmp_path):
    links = "".join(f'<li><a href="/zwgk/{i}.html">索县第{i}乡镇2024年度法治政府建设情况报告</a><span>2025-01-{i:02d}</span></li>'
                    for i in range(1, 25))
    page = (f"<html><head><meta charset='utf-8'><title>法治政府建设-索县人民政府</title></head><body>"
            f"<div class='nav'><a href='/'>首页</a></div><ul class='list'>{links}</ul></body></html>").encode()
    with pytest.raises(LoadError) as e:
        load(write(tmp_path, "list.html", page))
    assert e.value.reason == "no article text in the page"


def test_same_page_same_text(tmp_path):
    page = gov_page(seed_lines(NO_TITLE), title=TITLE)
    a, b = load(write(tmp_path, "a.html", page)), load(write(tmp_path, "b.html", page))
    assert (a.text, a.metadata) == (b.text, b.metadata)
