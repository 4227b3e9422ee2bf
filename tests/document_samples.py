"""A synthetic notice written for these tests (not a real regulation), as TXT, DOCX and PDF, and where the
shared development documents are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ONLY_IN_POINTS = "企业信用积分每年什么时候重新核定？"  # answered by the synthetic notice alone
POINTS_ANSWER = "1月15日"
POINTS_NOTICE = """青川县社会信用体系建设领导小组办公室文件

青信用办〔2026〕2号

关于印发《青川县企业信用积分管理办法（试行）》的通知

各乡镇人民政府，县直各有关单位：

现将《青川县企业信用积分管理办法（试行）》印发给你们，请认真贯彻执行。

青川县企业信用积分管理办法（试行）

一、适用范围

本办法适用于在青川县登记注册的企业的信用积分管理，由县发展改革局牵头，县市场监管局配合。

二、积分规则

企业信用积分初始分值为1000分。企业获得县级以上守信激励表彰的，每次加20分；受到一般行政处罚的，每次减50分。

三、积分核定

企业信用积分每年1月15日重新核定，核定结果在县信用网站公示7个工作日。

四、积分应用

信用积分在1100分以上的企业评为星级诚信企业，在政府采购和评优评先中予以优先考虑。

青川县社会信用体系建设领导小组办公室

2026年3月2日
"""
# A second synthetic notice, for the PDF of the browser test.
ONLY_IN_WINDOW = "信用服务窗口每周几延时服务？"
WINDOW_ANSWER = "星期三"
WINDOW_NOTICE = """关于设立青川县信用服务窗口的通知

青信用办〔2026〕3号

一、窗口职责

县政务服务中心设立信用服务窗口，为企业办理信用报告查询、信用修复申请和异议申请。

二、服务时间

信用服务窗口每周星期三延时服务至晚上七点，方便企业下班后办理信用修复。

三、工作要求

窗口工作人员应当在受理信用修复申请之日起3个工作日内完成初审。
"""


def write_docx(path: Path, text: str) -> Path:
    """The notice as a Word file: one paragraph per line, the title as a heading."""
    import docx

    document = docx.Document()
    for line in (part.strip() for part in text.split("\n")):
        if line:
            document.add_paragraph(line)
    document.save(str(path))
    return path


def write_pdf(path: Path, text: str | None) -> Path:
    """The notice as a printed PDF with a text layer (reportlab's built-in CID font STSong-Light); without
    text, a page with only a drawn box — what a scan without OCR looks like to a text extractor."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path))
    if text is None:
        page.rect(72, 400, 400, 300, fill=1)
    else:
        page.setFont("STSong-Light", 11)
        y = 800
        for line in text.split("\n"):
            for start in range(0, max(len(line), 1), 40):  # 40 characters fit a line
                page.drawString(60, y, line[start : start + 40])
                y -= 18
    page.showPage()
    page.save()
    return path


def shared_documents_dir() -> Path:
    """`../shared/documents` beside the repository (as CI has it), or `$CREDIT_SHARED_DIR/documents`."""
    candidates = (
        [Path(os.environ["CREDIT_SHARED_DIR"]) / "documents"] if os.environ.get("CREDIT_SHARED_DIR") else []
    )
    candidates.append(REPO.parent / "shared" / "documents")
    for folder in candidates:
        if folder.is_dir():
            return folder
    pytest.skip(f"shared development documents not found (looked in {', '.join(map(str, candidates))})")
