"""Read documents of several formats into plain text. Each loader raises LoaderError on bad input.

The text returned is the document's raw text: passages keep offsets into it. Every format has its
publication artefacts removed here (PDF print margins and page-width line breaks, web-page navigation,
Markdown comments) and compatibility code points folded (⽤ → 用).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from corpus.pdftext import fold_compatibility, repair_pdf_text

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
_MARKDOWN_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


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


def load_markdown(path: Path) -> str:
    """Markdown as written, without HTML comments (`<!-- INFO END -->` is not text)."""
    text = _MARKDOWN_COMMENT.sub("", load_text(path))
    return re.sub(r"\n{3,}", "\n\n", text)


def load_docx(path: Path) -> str:
    import docx

    from corpus.docx_text import docx_blocks

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for a bad zip
        raise LoaderError(f"无法读取 Word 文件《{path.name}》：{exc}") from exc
    return "\n\n".join(docx_blocks(document))


def load_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(path.read_bytes()))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise LoaderError(f"无法读取 PDF 文件《{path.name}》：{exc}") from exc
    if not "".join(pages).strip():
        raise LoaderError(f"PDF 文件《{path.name}》没有文字层（可能是扫描件），暂不能识别其中的文字")
    return repair_pdf_text(pages)


def load_html(path: Path) -> str:
    from corpus.html_text import html_document_text

    return html_document_text(decode_bytes(path.read_bytes()))


LOADERS: dict[str, Callable[[Path], str]] = {
    ".txt": load_text,
    ".md": load_markdown,
    ".docx": load_docx,
    ".pdf": load_pdf,
    ".html": load_html,
    ".htm": load_html,
}


def load_document(path: Path) -> str:
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoaderError(f"不支持的文件类型：{path.suffix}")
    text = fold_compatibility(loader(path))
    if not text.strip():
        raise LoaderError(f"文件《{path.name}》内容为空")
    return text
