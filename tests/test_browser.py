"""A real browser: headless Chromium (Debian package) driven by Playwright against the running UI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import ARTIFACTS, open_signed_in, whole_page_screenshot
from tests.browser_support import page as page  # fixtures: the UI over the session's live API, a browser
from tests.browser_support import ui_url as ui_url

pytestmark = pytest.mark.browser


def test_policy_question_gets_a_cited_answer(page, ui_url: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(ui_url + "/")
    page.get_by_role("button", name="登录").wait_for()
    page.screenshot(path=str(ARTIFACTS / "browser-sign-in.png"), full_page=True)
    open_signed_in(page, ui_url + "/")
    box = page.get_by_placeholder("请输入问题", exact=False)
    box.fill("开展诚信教育可以收费吗？")
    box.press("Enter")
    page.get_by_text("不得收费", exact=False).first.wait_for()
    citation = page.locator("summary").filter(has_text="濮信用〔2020〕3号").first
    citation.wait_for()
    citation.click()
    page.locator("mark").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "browser-policy-answer.png"), full_page=True)
    assert "不得收费" in page.locator("mark").first.inner_text()


def test_subject_question_shows_status_card(page, ui_url: str) -> None:  # type: ignore[no-untyped-def]
    open_signed_in(page, ui_url + "/subject")
    field = page.get_by_placeholder("例如", exact=False)
    field.fill("朝阳市北方粮油贸易有限公司")
    field.press("Enter")
    page.get_by_text("共找到", exact=False).first.wait_for()
    assert page.get_by_text("未履行处罚", exact=False).count() == 0  # nothing shown before the user picks
    page.get_by_test_id("stRadio").get_by_text("朝阳市北方粮油贸易有限公司", exact=False).first.click()
    page.get_by_text("未履行处罚", exact=False).first.wait_for()
    page.get_by_test_id("stMetric").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "browser-subject-status.png"), full_page=True)
    assert page.get_by_test_id("stMetric").count() == 4
    open_signed_in(page, ui_url + "/")
    box = page.get_by_placeholder("请输入问题", exact=False)
    box.fill("朝阳市北方粮油贸易有限公司现在的信用状况怎么样？")
    box.press("Enter")
    page.get_by_text("主体信用状况", exact=False).first.wait_for()
    page.get_by_text("行政处罚决定书", exact=False).first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "browser-subject-chat.png"), full_page=True)


EVAL_CSV = (
    "id,question,type,gold_quotes,must_include,split\n"
    'W1,开展诚信教育可以收费吗？,fact,"[""不得收费""]",不得收费,tune\n'
    "W2,开展诚信教育可以收费吗？,fact,,不得收费|一个回答里不会有的词,check\n"
    "W3,濮阳的联合惩戒措施清单依托什么系统建立？,procedure,,联合奖惩系统,check\n"
)
BAD_EVAL_CSV = "id,question,type,must_include\nB1,开展诚信教育可以收费吗？,fact,不得收费\nB2,,fact,不得收费\n"


def upload_eval_set(page, path: Path) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_timeout(1500)
    # no "Page not found" over a deep link: the page modules are in ui/views, not in a pages/ folder
    assert not page.get_by_test_id("stDialog").count()
    page.get_by_role("tab", name="评测与逐题结果").click()  # make sure the upload tab is the active one
    page.locator("input[type=file]").first.set_input_files(str(path))
    page.get_by_text(path.name, exact=False).first.wait_for()
    page.get_by_role("button", name="开始评测").click()


def test_eval_upload_runs_and_shows_the_per_question_table(page, ui_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"screenshots in {ARTIFACTS}")
    bad = tmp_path / "bad_set.csv"
    bad.write_text(BAD_EVAL_CSV, "utf-8")
    open_signed_in(page, ui_url + "/evals")
    upload_eval_set(page, bad)
    page.get_by_text("逐行错误", exact=False).first.wait_for()
    whole_page_screenshot(page, ARTIFACTS / "browser-eval-rejected.png")
    assert "不能为空" in page.locator("table").first.inner_text()
    good = tmp_path / "small_set.csv"
    good.write_text(EVAL_CSV, "utf-8")
    open_signed_in(page, ui_url + "/evals")
    upload_eval_set(page, good)
    table = page.locator("table.evq", has_text="W3")  # this run's table, not one left from the page before
    table.wait_for(timeout=300_000)
    page.get_by_text("严格通过率").first.wait_for()
    whole_page_screenshot(page, ARTIFACTS / "browser-eval-results.png")
    text = table.inner_text()
    assert all(question_id in text for question_id in ("W1", "W2", "W3"))
    assert "一个回答里不会有的词" in text and "濮信用〔2020〕3号" in text
    page.get_by_test_id("stRadio").get_by_text("未通过", exact=True).click()  # the pass/fail filter
    page.wait_for_function(
        "() => [...document.querySelectorAll('table.evq')].some(t => t.innerText.includes('W2') && !t.innerText.includes('W1'))"
    )
    filtered = page.locator("table.evq", has_text="W2").inner_text()
    assert "W2" in filtered and "缺少要点" in filtered
    whole_page_screenshot(page, ARTIFACTS / "browser-eval-failures.png")
