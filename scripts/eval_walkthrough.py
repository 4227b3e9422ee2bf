"""The 评测报告 page walked through in a real browser (issue 13), against a running `make run`.

Step by step, with a numbered full-page screenshot after each: open the page; upload a set with bad rows
and see it rejected whole, row by row; upload a QA set as XLSX and follow its run to the end; filter the
per-question table to failures; download the Excel results; run a second set (CSV) and compare the two
runs side by side. Every number printed at the end is read back from the API.

    .venv/bin/python scripts/eval_walkthrough.py --out artifacts/eval-walkthrough
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import typer
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, ViewportSize, sync_playwright

DEV_SETS = Path(__file__).resolve().parents[1] / "evals" / "data"  # copies of ../shared/evals
QA_COLUMNS = ("id", "question", "type", "docs", "gold_quotes", "answer", "must_include", "split")
LIST_COLUMNS = frozenset({"docs", "gold_quotes", "must_include"})
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]  # fmt: skip
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
HEADLINE = ("strict_pass", "must_include", "refusal_recall", "false_refusal_rate", "citation_precision")
FILTER_CAPTION = re.compile(r"共 (\d+) 题（通过 (\d+)，未通过 (\d+)）；当前筛选 (\d+) 题")


class WalkthroughError(RuntimeError):
    """A step did not show what it should."""


# ---------------------------------------------------------------- question sets as the upload takes them


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def cell(column: str, value: Any) -> str:
    """A list column as a JSON array (the upload accepts that or `a|b`); everything else as text."""
    if column in LIST_COLUMNS:
        return json.dumps(value or [], ensure_ascii=False)
    return "" if value is None else str(value)


def write_xlsx(rows: list[dict[str, Any]], path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.append(list(QA_COLUMNS))
    for row in rows:
        sheet.append([cell(column, row.get(column)) for column in QA_COLUMNS])
    workbook.save(path)
    return path


def write_csv(rows: list[dict[str, Any]], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(QA_COLUMNS)
        writer.writerows([cell(column, row.get(column)) for column in QA_COLUMNS] for row in rows)
    return path


def with_bad_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Six good rows made bad in two places: sheet row 4 has no question, sheet row 6 an unknown split."""
    bad = [dict(row) for row in rows[:6]]
    bad[2]["question"] = ""
    bad[4]["split"] = "dev"
    return bad


def xlsx_rows(path: Path) -> int:
    """Data rows (after the header) of the first sheet."""
    sheet = load_workbook(path, read_only=True).active
    assert sheet is not None
    return sum(
        1 for values in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in values)
    )


# ---------------------------------------------------------------- the API, for the numbers


class Api:
    def __init__(self, base_url: str, api_key: str) -> None:
        self.client = httpx.Client(base_url=base_url, headers={"X-API-Key": api_key}, timeout=60.0)

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def run_ids(self) -> list[str]:
        return [run["id"] for run in self.get("/v1/evals")]

    def new_run(self, before: list[str], timeout: float = 60.0) -> str:
        """The id of the run the upload just started (the one not listed before)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            fresh = [run_id for run_id in self.run_ids() if run_id not in before]
            if fresh:
                return fresh[0]
            time.sleep(1.0)
        raise WalkthroughError("上传后 API 中没有出现新的评测")

    def wait_done(self, run_id: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run: dict[str, Any] = self.get(f"/v1/evals/{run_id}")
            if run["status"] == "failed":
                raise WalkthroughError(f"评测 {run_id} 失败：{run.get('error')}")
            if run["status"] == "done":
                return run
            time.sleep(3.0)
        raise WalkthroughError(f"评测 {run_id} 在 {timeout:.0f} 秒内没有完成")


# ---------------------------------------------------------------- the browser


class Shots:
    """Numbered full-page screenshots: 01-name.png, 02-…"""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page, self.folder, self.count = page, folder, 0
        self.taken: list[Path] = []

    def __call__(self, name: str) -> Path:
        """Streamlit scrolls inside its main block, so grow the viewport to the content first."""
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        height = self.page.evaluate(
            "() => document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight"
        )
        self.page.set_viewport_size({"width": 1400, "height": min(max(int(height) + 200, 1000), 12000)})
        self.page.wait_for_timeout(1000)
        self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size(VIEWPORT)
        self.taken.append(path)
        print(f"  截图 {path.name}")
        return path


@contextmanager
def browser_page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(120_000)
        try:
            yield page
        finally:
            browser.close()


def open_evals(page: Page, ui_url: str, api_key: str) -> bool:
    """Open /evals directly (a deep link) and sign in with the evaluator's key; True if Streamlit showed a
    dialog over it (then closed)."""
    page.goto(ui_url.rstrip("/") + "/evals")
    page.locator("input[type=password]").fill(api_key)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="评测报告").first.wait_for()
    page.get_by_role("tab", name="评测与逐题结果").wait_for()
    page.wait_for_timeout(2000)
    dialog = page.get_by_test_id("stDialog")
    if dialog.count() and dialog.first.is_visible():
        print(f"  注意：打开 /evals 时出现对话框：{dialog.first.inner_text()[:120]!r}")
        page.keyboard.press("Escape")
        dialog.first.wait_for(state="hidden")
        return True
    return False


def upload(page: Page, path: Path) -> None:
    page.get_by_role("tab", name="评测与逐题结果").click()
    page.locator("input[type=file]").first.set_input_files(str(path))
    # the chip shows a long name shortened ("qa_dev…rows.xlsx"); its title holds the whole name
    page.get_by_test_id("stForm").locator(f'[title="{path.name}"]').wait_for()
    page.get_by_role("button", name="开始评测").click()


def pick(page: Page, label: str, option_text: str) -> None:
    """Choose the option containing `option_text` in the Streamlit selectbox labelled `label`."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option").filter(has_text=option_text).first.click()


def follow_run(page: Page, api: Api, shot: Shots, before: list[str], name: str, timeout: float) -> str:
    """After an upload: the run starts, its progress shows, it ends and the page shows its results."""
    page.get_by_text("已开始评测", exact=False).first.wait_for()
    run_id = api.new_run(before)
    progress = page.get_by_test_id("stProgress")
    progress.first.wait_for()
    # Shoot as soon as the bar counts answered questions: a short set can finish within seconds.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stProgress]')]"
        ".some(bar => /已完成 [1-9]\\d* \\//.test(bar.innerText))",
        timeout=120_000,
    )
    shot(f"{name}-progress")
    if progress.count():
        print(f"  进度：{progress.first.inner_text().strip()}")
    run = api.wait_done(run_id, timeout)
    first_id = str(run["results"][0]["id"]) if run["results"] else ""
    page.locator("table.evq", has_text=first_id).first.wait_for(timeout=180_000)
    page.get_by_test_id("stMetric").filter(has_text="严格通过率").first.wait_for()
    page.wait_for_function(  # the run picker shows this run, finished
        "id => { const box = document.querySelector('input[aria-label=选择评测]');"
        " return box && box.value.includes(id) && box.value.includes('已完成'); }",
        arg=run_id,
    )
    shot(f"{name}-finished")
    return run_id


def filter_failures(page: Page, expected: int) -> int:
    """Choose 结果 = 未通过; the caption then counts the failures, and no passed row is left on the page."""
    page.get_by_test_id("stRadio").get_by_text("未通过", exact=True).click()
    caption = page.get_by_text(re.compile(r"当前筛选 \d+ 题")).first
    page.wait_for_function(
        "n => [...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
        ".some(c => c.innerText.includes('当前筛选 ' + n + ' 题'))",
        arg=expected,
    )
    match = FILTER_CAPTION.search(caption.inner_text())
    if match is None:
        raise WalkthroughError("筛选后找不到“当前筛选 N 题”")
    shown = int(match.group(4))
    if page.locator("table.evq span.ok").count():
        raise WalkthroughError("筛选“未通过”后表中仍有通过的题")
    return shown


def download_results(page: Page, target: Path) -> Path:
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="下载 Excel 逐题结果").click()
    download = info.value
    if download.failure():
        raise WalkthroughError(f"下载失败：{download.failure()}")
    download.save_as(str(target))
    print(f"  下载：{download.suggested_filename} → {target}")
    return target


def compare_view(page: Page, run_a: str, run_b: str) -> None:
    page.get_by_role("tab", name="对比两次评测").click()
    pick(page, "评测 A（基准）", run_a)
    pick(page, "评测 B（对比）", run_b)
    page.get_by_text("指标差值（B − A）").first.wait_for()
    page.get_by_text("结果翻转的题").first.wait_for()
    page.get_by_text("两次共有", exact=False).first.wait_for()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no focus ring


def headline_text(run: dict[str, Any]) -> str:
    headline = run.get("headline", {})
    return "，".join(f"{key}={headline[key]:.3f}" for key in HEADLINE if key in headline)


# ---------------------------------------------------------------- the scenario


def main(
    api_url: str = typer.Option("http://127.0.0.1:8000", "--api-url", help="API 地址"),
    ui_url: str = typer.Option("http://localhost:8501", "--ui-url", help="Streamlit 界面地址"),
    api_key: str = typer.Option("dev-key", "--api-key", help="评测用的 API 密钥（评测员或管理员）"),
    out: Path = typer.Option(Path("artifacts/eval-walkthrough"), "--out", help="截图与下载文件的目录"),
    first_set: Path = typer.Option(
        DEV_SETS / "qa_dev2.jsonl", "--first-set", help="第一次评测的题集（转为 XLSX）"
    ),
    second_sets: list[Path] = typer.Option(
        [DEV_SETS / "qa_dev2.jsonl", DEV_SETS / "qa_dev.jsonl"],
        "--second-set",
        help="第二次评测的题集（可多次给出，合并为一个 CSV）",
    ),
    run_timeout: float = typer.Option(2400.0, "--run-timeout", help="每次评测最长等待秒数"),
) -> None:
    """在真实浏览器中走一遍评测报告页：上传、进度、结果、筛选未通过、下载 Excel、对比两次评测。"""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("[0-9][0-9]-*.png"):
        old.unlink()
    uploads = out / "uploads"
    uploads.mkdir(exist_ok=True)
    first_rows = read_jsonl(first_set)
    first_file = write_xlsx(first_rows, uploads / f"{first_set.stem}.xlsx")
    bad_file = write_xlsx(with_bad_rows(first_rows), uploads / f"{first_set.stem}-bad-rows.xlsx")
    second_rows = [row for path in second_sets for row in read_jsonl(path)]
    second_name = "+".join(path.stem for path in second_sets)
    second_file = write_csv(second_rows, uploads / f"{second_name}.csv")
    print(f"题集：{first_file}（{len(first_rows)} 题）、{second_file}（{len(second_rows)} 题）、{bad_file}")

    api = Api(api_url, api_key)
    with browser_page() as page:
        shot = Shots(page, out)
        print("1. 打开评测报告页")
        dialog_on_open = open_evals(page, ui_url, api_key)
        shot("evals-page")

        print("2. 上传含错误行的题集：整个文件被拒，逐行列出原因")
        before = api.run_ids()
        upload(page, bad_file)
        page.get_by_text("逐行错误", exact=False).first.wait_for()
        rejected = page.get_by_test_id("stTable").first.inner_text()
        for expected in ("不能为空", "应为 tune/check"):
            if expected not in rejected:
                raise WalkthroughError(f"逐行错误中没有“{expected}”：{rejected}")
        if api.run_ids() != before:
            raise WalkthroughError("含错误行的题集不应开始评测")
        shot("bad-rows-rejected")

        print(f"3. 上传 {first_file.name}，跟随进度直到完成")
        upload(page, first_file)
        run_a = follow_run(page, api, shot, before, "run1", run_timeout)

        print("4. 逐题结果筛选为“未通过”")
        detail_a = api.get(f"/v1/evals/{run_a}")
        api_failures = len(api.get(f"/v1/evals/{run_a}", passed="false")["results"])
        shown_failures = filter_failures(page, api_failures)
        shot("run1-failures-only")

        print("5. 下载 Excel 逐题结果")
        xlsx = download_results(page, out / "results.xlsx")
        xlsx_count = xlsx_rows(xlsx)

        print(f"6. 上传第二个题集 {second_file.name}")
        before = api.run_ids()
        upload(page, second_file)
        run_b = follow_run(page, api, shot, before, "run2", run_timeout)
        detail_b = api.get(f"/v1/evals/{run_b}")

        print("7. 对比两次评测")
        compare_view(page, run_a, run_b)
        shot("compare")
        comparison = api.get("/v1/evals/compare", a=run_a, b=run_b)

    print("\n=== 评测走查结果 ===")
    print("直接打开 /evals：" + ("出现过对话框（已关闭）" if dialog_on_open else "无对话框"))
    print(f"含错误行的题集：被拒，未开始评测（{bad_file.name}）")
    for title, run in (("评测 A", detail_a), ("评测 B", detail_b)):
        results = run.get("results") or []
        passed = sum(1 for row in results if row.get("passed"))
        print(
            f"{title} {run['id']}：{run['set_name']}，{run['size']} 题，通过 {passed}；{headline_text(run)}"
        )
    print(f"评测 A 筛选“未通过”后显示：{shown_failures} 题（API：{api_failures} 题）")
    print(
        f"对比：共有 {comparison['shared']} 题，仅 A {comparison['only_a']}，仅 B {comparison['only_b']}；"
        f"A 未通过→B 通过 {len(comparison['fixed'])}，A 通过→B 未通过 {len(comparison['broken'])}"
    )
    print(f"下载的 Excel：{xlsx}，{xlsx_count} 行（不含表头）")
    print(f"截图：{', '.join(path.name for path in shot.taken)}（{out}）")
    if shown_failures != api_failures or xlsx_count != len(detail_a.get("results") or []):
        raise WalkthroughError("界面或下载的数字与 API 不一致")


if __name__ == "__main__":
    typer.run(main)
