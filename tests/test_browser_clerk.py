"""The clerk's pages in a real browser (headless Debian chromium via Playwright): the per-subject measures view with
local measures first, its print view and download (title, subject, date, sources; printed without the sidebar and
without blank pages), the subject page without "None", and the evals page and uploader without English chrome.
Screenshots go to $CREDIT_TEST_SCREENS (default artifacts/ui-clerk)."""

from __future__ import annotations

import io
import os
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from assistant.access import key_id
from connectors.eval_runs import EvalRunStore
from connectors.models import ListEntry, Penalty, Subject
from tests.browser_support import ARTIFACTS, browser_page, open_signed_in, running_ui, whole_page_screenshot
from tests.conftest_helpers import serve_api

pytestmark = pytest.mark.browser
SCREENS = Path(os.environ.get("CREDIT_TEST_SCREENS", ARTIFACTS / "ui-clerk"))
CLERK, EVALUATOR = "test-key", "eval-clerk"  # an admin key (reads records) and an evaluator's own key
COMPANY = "濮阳市恒达建材有限公司"  # on the 严重失信 list in 濮阳 (sample records)
ENGLISH = (
    "Deploy",
    "Browse files",
    "Drag and drop",
    "200MB",
    "strict_pass",
    "InvalidQuestion",
    "None",
    "Upload",
)
EVAL_SET = (
    "id,question,type,must_include,split\n"
    "C1,开展诚信教育可以收费吗？,fact,不得收费,tune\n"
    "C2,开展诚信教育可以收费吗？,who_is_responsible,不得收费|一个回答里不会有的词,check\n"
)


@pytest.fixture(scope="module")
def api_url(settings, assistant):  # type: ignore[no-untyped-def]
    roles = {EVALUATOR: "evaluator"}
    own = settings.model_copy(update={"api": settings.api.model_copy(update={"key_roles": roles})})
    with serve_api(own, assistant) as url:
        yield url


@pytest.fixture(scope="module")
def ui_url(api_url: str):  # type: ignore[no-untyped-def]
    with running_ui(api_url) as url:
        yield url


@pytest.fixture(scope="module")
def page(ui_url: str):  # type: ignore[no-untyped-def]
    with browser_page(timeout_ms=120_000) as page:
        yield page


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    whole_page_screenshot(page, SCREENS / name)


def main_text(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.get_by_test_id("stMain").inner_text())


def find_and_pick(page, name: str) -> None:  # type: ignore[no-untyped-def]
    field = page.get_by_placeholder("例如", exact=False).first
    field.fill(name)
    field.press("Enter")
    page.get_by_text("共找到", exact=False).first.wait_for()
    page.get_by_test_id("stRadio").get_by_text(name, exact=False).first.click()


def test_the_clerks_measures_sheet_puts_local_measures_first_and_prints_cleanly(
    page, ui_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    open_signed_in(page, ui_url + "/measures", CLERK)
    panel = page.get_by_role("tabpanel", name="按主体查询")
    find_and_pick(page, COMPANY)
    panel.get_by_text("适用类别", exact=False).first.wait_for()
    panel.get_by_text("政策出处原文", exact=False).first.wait_for()  # the whole list has arrived
    text = panel.inner_text()
    first_other = text.index("其他地区文件中的同类措施")
    assert "河南省濮阳市" in text[:first_other] and "濮信用〔2020〕3号" in text[:first_other]
    assert "舞信用办〔2018〕3号" not in text[:first_other]  # other places: collapsed below the divider
    assert not panel.get_by_text("舞信用办〔2018〕3号", exact=False).first.is_visible()
    shot(page, "measures-subject.png")

    with page.expect_download() as download:
        panel.get_by_role("button", name="下载清单", exact=False).click()
    sheet = Path(download.value.path()).read_text("utf-8")
    for expected in (
        f"适用措施清单 · {COMPANY}",
        "生成日期",
        "统一社会信用代码",
        "政策出处",
        "濮信用〔2020〕3号",
    ):
        assert expected in sheet, expected

    panel.get_by_text("打印视图").click()
    frame = page.frame_locator("iframe").first
    frame.get_by_text("政策出处").first.wait_for()
    framed = frame.locator("body").inner_text()
    assert COMPANY in framed and "生成日期" in framed and "濮信用〔2020〕3号" in framed
    shot(page, "measures-print-view.png")

    printed = page.context.browser.new_page()
    printed.set_content(sheet)
    printed.emulate_media(media="print")
    printed.screenshot(path=str(SCREENS / "measures-printed.png"), full_page=True)
    pdf = PdfReader(io.BytesIO(printed.pdf(format="A4")))
    # NFKC: the PDF's font maps some characters to Kangxi radicals (⽤ for 用)
    pages = [unicodedata.normalize("NFKC", p.extract_text() or "") for p in pdf.pages]
    printed.close()
    assert all(text.strip() for text in pages), "a blank page in the printout"
    whole = "".join(pages)
    assert "适用措施清单" in whole and COMPANY in whole and "退出登录" not in whole  # no sidebar
    assert "打印" not in whole  # the print button is not printed


def subject_with_open_records(records) -> str:  # type: ignore[no-untyped-def]
    """A subject with an unpaid penalty and a list entry still in force (empty 履行日期 and 移出日期)."""
    with records.sessions() as session:
        unpaid = select(Penalty.subject_id).where(Penalty.fulfilled_on.is_(None))
        listed = select(ListEntry.subject_id).where(ListEntry.date_out.is_(None))
        name = session.scalar(
            select(Subject.name).where(Subject.id.in_(unpaid), Subject.id.in_(listed)).limit(1)
        )
    assert name
    return str(name)


def test_the_subject_page_shows_no_none_and_picks_nothing_by_itself(page, ui_url: str, records) -> None:  # type: ignore[no-untyped-def]
    name = subject_with_open_records(records)
    open_signed_in(page, ui_url + "/subject", CLERK)
    field = page.get_by_placeholder("例如", exact=False)
    field.fill(name)
    field.press("Enter")
    page.get_by_text("共找到", exact=False).first.wait_for()
    assert page.get_by_test_id("stMetric").count() == 0  # no records before the user picks
    page.get_by_test_id("stRadio").get_by_text(name, exact=False).first.click()
    page.get_by_text("未履行处罚", exact=False).first.wait_for()
    page.get_by_text("违法事实").first.wait_for()
    text = main_text(page)
    assert "None" not in text and "未履行" in text and "仍在名单中" in text
    table = page.get_by_test_id("stTable").first  # the penalties: every column on screen, none scrolled off
    shown, last = table.bounding_box(), table.locator("th").last.bounding_box()
    fulfilled = table.locator("th", has_text="履行日期").first.bounding_box()
    assert shown and last and fulfilled and last["x"] + last["width"] <= shown["x"] + shown["width"] + 1
    assert fulfilled["x"] + fulfilled["width"] <= page.viewport_size["width"]
    shot(page, "subject.png")


def assert_chinese_chrome(page) -> None:  # type: ignore[no-untyped-def]
    text = str(page.locator("body").inner_text())
    for word in ENGLISH:
        assert word not in text, word


def test_the_evals_page_opens_on_the_callers_own_run_and_speaks_chinese(  # type: ignore[no-untyped-def]
    page, ui_url: str, assistant, tmp_path: Path
) -> None:
    store = EvalRunStore(assistant.records.sessions)
    store.create("clerkfail001", "someone.csv", "qa", 1, "someone.csv", key_id(CLERK))  # another user's run
    store.fail("clerkfail001", "InvalidQuestion: 问题不能为空")
    open_signed_in(page, ui_url + "/evals", EVALUATOR)
    page.get_by_text("您还没有评测", exact=False).first.wait_for()
    page.get_by_text("下载问答题集模板（CSV）").first.wait_for()
    assert "someone.csv" not in main_text(page) and "问题不能为空" not in main_text(page)
    assert page.get_by_test_id("stHeader").get_by_text("Deploy").count() == 0
    zone = page.get_by_test_id("stFileUploaderDropzone").first
    assert "选择文件" in zone.evaluate("e => getComputedStyle(e.querySelector('button'), '::after').content")
    assert_chinese_chrome(page)
    dragged = page.evaluate_handle(
        "() => { const d = new DataTransfer(); d.items.add(new File(['a'], 'a.csv')); return d; }"
    )
    zone.dispatch_event("dragenter", {"dataTransfer": dragged})
    page.wait_for_timeout(500)
    assert_chinese_chrome(page)
    zone.dispatch_event("dragleave", {"dataTransfer": dragged})
    shot(page, "evals-empty.png")

    eval_set = tmp_path / "clerk_set.csv"
    eval_set.write_text(EVAL_SET, "utf-8")
    page.locator("input[type=file]").first.set_input_files(str(eval_set))
    page.get_by_text(eval_set.name, exact=False).first.wait_for()
    page.get_by_role("button", name="开始评测").click()
    table = page.locator("table.evq", has_text="C2")
    table.wait_for(timeout=600_000)
    page.get_by_text("严格通过率").first.wait_for()
    cells = table.inner_text()
    assert "责任单位" in cells and "一个回答里不会有的词" in cells  # type named whole; expected terms shown
    assert_chinese_chrome(page)
    shot(page, "evals-run.png")
