"""The knowledge-base page in a real browser (headless Debian chromium via Playwright): upload a PDF and a DOCX,
watch the job, read the parse preview, correct a field, ask questions answered from the new files, delete
one with confirmation. Screenshots go to $CREDIT_TEST_SCREENS (default artifacts/docs)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser_support import ARTIFACTS, browser_page, open_signed_in, running_ui, whole_page_screenshot
from tests.document_samples import (
    ONLY_IN_POINTS,
    ONLY_IN_WINDOW,
    POINTS_ANSWER,
    POINTS_NOTICE,
    WINDOW_ANSWER,
    WINDOW_NOTICE,
    write_docx,
    write_pdf,
)
from tests.test_documents_api import ADMIN
from tests.test_documents_api import server as server  # this module gets its own API and data dir

pytestmark = pytest.mark.browser
SCREENS = Path(os.environ.get("CREDIT_TEST_SCREENS", ARTIFACTS / "docs"))
POINTS_DOCX = "青川县企业信用积分管理办法.docx"
WINDOW_PDF = "青川县信用服务窗口通知.pdf"


@pytest.fixture(scope="module")
def ui_url(server):  # type: ignore[no-untyped-def]
    api_url, _, _ = server
    with running_ui(api_url, {"CREDIT_UI_API_KEY": ADMIN}) as url:
        yield url


@pytest.fixture(scope="module")
def page(ui_url: str):  # type: ignore[no-untyped-def]
    with browser_page(timeout_ms=120_000) as page:
        yield page


def open_as_admin(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """Open a page as the administrator (the sign-in form takes the user's own key)."""
    open_signed_in(page, url, ADMIN)


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENS.mkdir(parents=True, exist_ok=True)
    whole_page_screenshot(page, SCREENS / name)


def ask(page, ui_url: str, question: str) -> None:  # type: ignore[no-untyped-def]
    open_as_admin(page, ui_url + "/")
    box = page.get_by_placeholder("请输入问题", exact=False)
    box.fill(question)
    box.press("Enter")
    page.get_by_test_id("stChatMessage").nth(1).wait_for()  # the question, then the answer
    page.get_by_test_id("stChatMessage").nth(1).get_by_test_id("stMarkdownContainer").first.wait_for()


def choose_document(page, title: str) -> None:  # type: ignore[no-untyped-def]
    select = page.get_by_test_id("stSelectbox").filter(has_text="查看文档")
    select.click()
    page.get_by_role("option", name=title).click()
    page.get_by_role("heading", name=title).wait_for()


def test_upload_preview_correct_ask_delete(page, ui_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    docx = write_docx(tmp_path / POINTS_DOCX, POINTS_NOTICE)
    pdf = write_pdf(tmp_path / WINDOW_PDF, WINDOW_NOTICE)
    open_as_admin(page, ui_url + "/documents")
    page.get_by_role("heading", name="知识库").wait_for()
    page.locator("input[type=file]").first.set_input_files([str(docx), str(pdf)])
    page.get_by_text(WINDOW_PDF).first.wait_for()
    page.get_by_role("button", name="上传并解析").click()
    page.get_by_test_id("stProgress").first.wait_for()  # the job's progress while it runs
    shot(page, "01-upload-progress.png")
    page.get_by_text("完成：上传", exact=False).first.wait_for(timeout=600_000)
    page.get_by_role("heading", name="青川县企业信用积分管理办法（试行）", exact=False).first.wait_for()
    page.get_by_text("四、积分应用").first.wait_for()  # the section tree of the new DOCX
    shot(page, "02-uploaded-preview.png")
    tree = page.get_by_test_id("stMarkdownContainer").filter(has_text="一、适用范围").first.inner_text()
    assert tree.index("一、适用范围") < tree.index("二、积分规则") < tree.index("三、积分核定")

    page.get_by_text("文档（7 份）").wait_for()  # five bundled + the DOCX + the PDF
    page.get_by_text("更正识别有误的字段").click()
    page.get_by_label("发文/通过机关").fill("青川县发展和改革局")  # differs from what was read
    page.get_by_role("button", name="保存更正").click()
    page.get_by_text("完成：更正", exact=False).first.wait_for(timeout=600_000)
    page.get_by_text("已更正").first.wait_for()
    shot(page, "03-corrected.png")

    ask(page, ui_url, ONLY_IN_WINDOW)  # answered from the PDF
    page.get_by_text(WINDOW_ANSWER, exact=False).first.wait_for()
    page.locator("summary").filter(has_text="青信用办〔2026〕3号").first.wait_for()
    shot(page, "04-answer-from-pdf.png")
    ask(page, ui_url, ONLY_IN_POINTS)  # answered from the DOCX
    page.get_by_text(POINTS_ANSWER, exact=False).first.wait_for()
    page.locator("summary").filter(has_text="青信用办〔2026〕2号").first.wait_for()
    shot(page, "05-answer-from-docx.png")

    open_as_admin(page, ui_url + "/documents")
    choose_document(page, "青川县企业信用积分管理办法（试行）")
    page.get_by_role("button", name="删除文档").click()
    page.get_by_test_id("stDialog").get_by_text("确定从知识库删除", exact=False).wait_for()
    shot(page, "06-delete-confirm.png")
    page.get_by_role("button", name="确定删除").click()
    page.get_by_text("完成：删除", exact=False).first.wait_for(timeout=600_000)
    page.get_by_text("文档（6 份）").wait_for()  # five bundled + the PDF
    shot(page, "07-deleted.png")
    ask(page, ui_url, ONLY_IN_POINTS)
    shot(page, "08-asked-after-delete.png")
    assert page.locator("summary").filter(has_text="青信用办〔2026〕2号").count() == 0
