"""Read documents of several formats into plain text. Each loader raises LoaderError on bad input."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


class LoaderError(Exception):
    """A file that cannot be read as a document."""


def decode_bytes(data: bytes) -> str:
    """UTF-8 first (with or without BOM); otherwise the best charset guess (GBK/GB18030, Big5…)."""
    if b"\x00" in data[:4096]:
        raise LoaderError("二进制文件，无法作为文本读取")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoaderError("无法识别文件编码")
    encoding = "gb18030" if best.encoding.lower() in {"gbk", "gb2312", "gb18030", "hz"} else best.encoding
    return data.decode(encoding)


def load_text(path: Path) -> str:
    return decode_bytes(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")


def load_docx(path: Path) -> str:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for a bad zip
        raise LoaderError(f"无法读取 Word 文件：{exc}") from exc
    blocks: list[str] = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        text = paragraph.text
        if style.startswith("Heading") and style[-1:].isdigit():
            text = "#" * int(style[-1]) + " " + text
        blocks.append(text)
    for table in document.tables:
        blocks.append("\n".join("\t".join(cell.text for cell in row.cells) for row in table.rows))
    return "\n\n".join(blocks)


def load_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(path.read_bytes()))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise LoaderError(f"无法读取 PDF 文件：{exc}") from exc
    text = "\n\n".join(pages).strip()
    if not text:
        raise LoaderError("PDF 中没有可提取的文字（可能是扫描件）")
    return text


def load_html(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_bytes(path.read_bytes()), "html.parser")
    for tag in soup(["script", "style", "nav", "footer"]):
        tag.decompose()
    for heading in soup.find_all(["h1", "h2", "h3", "h4"]):
        heading.string = "#" * int(heading.name[1]) + " " + heading.get_text(" ", strip=True)
    return soup.get_text("\n\n", strip=True)


LOADERS: dict[str, Callable[[Path], str]] = {
    ".txt": load_text,
    ".md": load_text,
    ".docx": load_docx,
    ".pdf": load_pdf,
    ".html": load_html,
    ".htm": load_html,
}


def load_document(path: Path) -> str:
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoaderError(f"不支持的文件类型：{path.suffix}")
    text = loader(path)
    if not text.strip():
        raise LoaderError("文件内容为空")
    return text
