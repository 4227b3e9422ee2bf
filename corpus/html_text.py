"""Read a government web page as the document it publishes.

The article body is found with readability-lxml (a port of Mozilla's Readability). On the 台州 page it
returns exactly the article container (its <h1> and paragraphs) without the navigation, breadcrumb, info
table (索引号/发布机构…), "打印本页" and footer; trafilatura, also tried, kept the info table as body text
unless tables are switched off altogether (which would lose tables inside documents) and moved the <h1>
into its metadata. The page <title> (`台州市企业信用促进条例_政策文件_信用门户网站`) names the document
before the site's own name, so the first segment is the title when the body's head has no heading.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "blockquote", "div", "td", "th")
_LAYOUT = ("p", "div", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6")
_TITLE_SEPARATORS = re.compile(r"\s*[_｜|]\s*|\s+[-–—]\s+")
_BOILERPLATE = re.compile(r"^(【?\s*(打印本页|关闭窗口|返回顶部|分享到)\s*】?\s*)+$")


def page_title(html: str) -> str:
    """The document's name from <title>, without the site name after it."""
    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(strip=True) if soup.title else ""
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p]
    return parts[0] if parts else ""


def _inline_text(element: Tag) -> str:
    for br in element.find_all("br"):
        br.replace_with("\n")
    text = element.get_text("")
    lines = (re.sub(r"[ \t\u00a0\u3000]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _blocks(soup: BeautifulSoup) -> list[str]:
    """Innermost blocks in document order: headings marked with #, table rows as tab-separated cells."""
    blocks: list[str] = []
    last_table = None
    for element in soup.find_all(_BLOCKS):
        if element.name in ("td", "th") or element.find(_BLOCKS if element.name != "tr" else _LAYOUT):
            continue  # an outer block, or a layout row around paragraphs: its inner blocks are read instead
        if element.name == "tr":
            table = element.find_parent("table")
            text = "\t".join(_inline_text(cell).replace("\n", " ") for cell in element.find_all(["td", "th"]))
            if table is last_table and blocks:
                blocks[-1] += "\n" + text
            else:
                blocks.append(text)
            last_table = table
            continue
        last_table = None
        text = _inline_text(element)
        if not text.strip() or _BOILERPLATE.match(text.strip()):
            continue
        if element.name[0] == "h" and element.name[1:].isdigit():
            text = "#" * int(element.name[1]) + " " + text.replace("\n", "")
        blocks.append(text)
    return blocks


def html_document_text(html: str) -> str:
    """The article body as text, its title first."""
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    blocks = _blocks(BeautifulSoup(summary, "lxml"))
    title = page_title(html)
    if title and not any(block.startswith("#") for block in blocks[:12]):
        if blocks and blocks[0] == title:
            blocks.pop(0)  # the title set as a bold paragraph: it becomes the heading
        blocks.insert(0, f"# {title}")
    return "\n\n".join(blocks)
