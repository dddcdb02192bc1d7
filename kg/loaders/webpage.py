"""Saved web pages (.html, .htm, .shtml): the article, not the site around it.

The article body is found by trafilatura (a maintained boilerplate remover:
navigation, breadcrumbs, share and print links, related links and the footer
go); its text, one paragraph per line, with the article title as the first
line, is the source text that provenance offsets refer to.  A table row
becomes one line of tab-separated cells, as in the .docx loader.

The page also says where and when it was published.  Chinese government sites
carry the meta tags of the 政府网站发展指引 (2017): ``SiteName``,
``SiteDomain``, ``ArticleTitle``, ``PubDate``, ``ContentSource``; other pages
carry a canonical link, Open Graph tags or a visible "发布时间：… 来源：…"
line, and a page saved by a browser names its address in a
``<!-- saved from url=(0061)http://… -->`` comment.  These become report
metadata:

* ``published``: the publication date, ISO (``2025-01-20``): the PubDate tag,
  else the visible 发布时间/发布日期 line, else what htmldate finds in the
  page's other date tags;
* ``sourceUrl``: the page's address; ``sourceSite``: its host
  (``www.suoxian.gov.cn``), or the SiteDomain tag;
* ``siteName``: the site's name (索县人民政府);
* ``contentSource``: the office the page names as the article's source
  (来源：加勤乡人民政府).

Encoding: a byte-order mark, else the charset the page declares (gb2312 and
gbk are read as their superset gb18030), else detected as for text files.
"""
from __future__ import annotations

import codecs
import re
from urllib.parse import urlsplit

import htmldate
import trafilatura
from lxml import html as lxml_html

from kg.loaders import Decoded, UnusableFile
from kg.loaders.dates import labeled_date, parse_date
from kg.loaders.text import decode_bytes

# The charset a page declares, in a <meta> tag or an XML declaration, near its start.
_DECLARED = re.compile(rb"""(?:<meta[^>]*?charset|<\?xml[^>]*?encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_DECLARATION_WINDOW = 4096
# Labels that name a narrower codec than the one pages labelled so really use.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs"}

_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+?)\s*-->")
_CONTENT_SOURCE = re.compile(r"(?:来源|信息来源|稿件来源|文章来源)\s*[:：]\s*([^\s|｜:：]{2,40}?)(?=\s|$|[|｜]|浏览|点击|作者|发布|字号|时间|日期)")
_TABLE_ROW = re.compile(r"\|(.*)\|\s*")
# An article has prose: at least this many characters in lines with a sentence
# end that are not link texts.  When trafilatura finds no article it returns the
# whole page (navigation, breadcrumb, dates, related links: short lines, no 。).
_MIN_PROSE = 100
_SENTENCE_END = re.compile(r"[。！？；!?;]")


def _codec(label: bytes) -> str | None:
    try:
        name = codecs.lookup(label.decode("ascii")).name
        b"a".decode(name)   # rules out codecs that are not text encodings (rot13, base64)
    except (LookupError, UnicodeDecodeError):
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return None   # an ASCII-compatible page cannot be UTF-16; the tag is wrong
    return _SUPERSETS.get(name, name)


def _decode(data: bytes) -> tuple[str, str]:
    """The page's markup as text, and the charset it was read with.

    >>> _decode('<meta charset="gb2312"><p>法治</p>'.encode("gbk"))
    ('<meta charset="gb2312"><p>法治</p>', 'gb18030')
    """
    m = _DECLARED.search(data[:_DECLARATION_WINDOW])
    declared = _codec(m.group(1)) if m else None
    if declared and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass   # mislabelled pages are common: detect instead
    try:
        return decode_bytes(data)
    except UnusableFile:
        if declared:
            return data.decode(declared, errors="replace"), declared
        raise


def _meta(tree) -> dict[str, str]:
    """<meta name|property=… content=…> by lower-case name; the first of each wins."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("name") or el.get("property") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if key and value:
            found.setdefault(key, value)
    return found


def _canonical(tree) -> str | None:
    for el in tree.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            return el.get("href").strip()
    return None


def _host(url: str | None) -> str | None:
    """The host of an absolute http(s) address, else ``None``.

    >>> _host("http://www.suoxian.gov.cn/a.html"), _host("/a.html"), _host("http://[::1")
    ('www.suoxian.gov.cn', None, None)
    """
    try:
        parts = urlsplit(url or "")
    except ValueError:   # "http://[::1" and other addresses a page can get wrong
        return None
    return parts.hostname if parts.scheme in ("http", "https") else None


def _published(tree, meta: dict[str, str], visible: str) -> str | None:
    for candidate in (meta.get("pubdate"), meta.get("publishdate")):
        if candidate and (d := parse_date(candidate)):
            return d.isoformat()
    if d := labeled_date(visible):
        return d.isoformat()
    # htmldate reads the other date conventions of the <head> (article:published_time,
    # DC.date, og:…).  Not the body: there, dates of related links sit in
    # class="date" elements as often as the article's.  And only its cautious
    # mode: the extensive one guesses from any number (©2023 becomes 2023-01-01).
    head = tree.find("head")
    if head is None:
        return None
    try:
        head_only = f"<html>{lxml_html.tostring(head, encoding='unicode')}<body></body></html>"
        return htmldate.find_date(head_only, extensive_search=False,
                                  original_date=True, outputformat="%Y-%m-%d")
    except Exception:   # htmldate on a malformed head: no date, not a broken file
        return None


def _metadata(tree, meta: dict[str, str], markup: str, visible: str) -> tuple[tuple[str, str], ...]:
    saved = _SAVED_FROM.search(markup[:_DECLARATION_WINDOW])
    candidates = (_canonical(tree), meta.get("og:url"), meta.get("url"), saved.group(1) if saved else None)
    url = next((u for u in candidates if _host(u)), None)
    site = meta.get("sitedomain") or _host(url)
    source = meta.get("contentsource")
    if not source and (m := _CONTENT_SOURCE.search(visible)):
        source = m.group(1)
    pairs = (
        ("published", _published(tree, meta, visible)),
        ("sourceUrl", url),
        ("sourceSite", site),
        ("siteName", meta.get("sitename") or meta.get("og:site_name")),
        ("contentSource", source),
    )
    return tuple((k, v) for k, v in pairs if v)


def _title(meta: dict[str, str], extracted) -> str:
    return (meta.get("articletitle") or meta.get("og:title") or extracted.title or "").strip()


def _lines(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        if m := _TABLE_ROW.fullmatch(line.strip()):
            line = "\t".join(cell.strip() for cell in m.group(1).split("|"))
        if line.strip():
            out.append(line.strip())
    return out


def _prose(tree, lines: list[str]) -> int:
    """Characters in lines that read as sentences and are not the page's link texts."""
    links = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    return sum(len(line) for line in lines
               if _SENTENCE_END.search(line) and " ".join(line.split()) not in links)


def load_html(data: bytes) -> Decoded:
    """The article of a saved web page, and where and when it was published.

    >>> load_html(b"<html><body><ul><li><a href='/'>\\xe9\\xa6\\x96\\xe9\\xa1\\xb5</a></li></ul></body></html>")
    Traceback (most recent call last):
    kg.loaders.UnusableFile: no article text in the page
    """
    markup, charset = _decode(data)
    try:
        tree = lxml_html.document_fromstring(markup.encode("utf-8"), parser=lxml_html.HTMLParser(encoding="utf-8"))
        visible = trafilatura.html2txt(markup) or ""
        extracted = trafilatura.bare_extraction(
            markup, include_tables=True, include_comments=False, include_images=False,
            include_links=False, favor_recall=True, deduplicate=False, with_metadata=True)
    except Exception as e:
        # lxml and trafilatura on untrusted markup: any error means no usable page.
        raise UnusableFile(f"not a readable HTML page ({type(e).__name__}: {e})") from e
    lines = _lines(extracted.text) if extracted is not None and extracted.text else []
    if _prose(tree, lines) < _MIN_PROSE:
        raise UnusableFile("no article text in the page")
    meta = _meta(tree)
    title = _title(meta, extracted)
    if title and title not in lines[:3]:
        lines.insert(0, title)
    return Decoded("\n".join(lines), f"html/{charset}", _metadata(tree, meta, markup, visible))
