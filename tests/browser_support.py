"""What the browser tests share: the Streamlit UI started exactly as `credit-assistant serve` starts it, headless
Chromium (the Debian package) driven by Playwright, signing in, and whole-page screenshots. Test modules build their
fixtures from `running_ui` and `browser_page`, or import the `ui_url` and `page` fixtures over the session's live API."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant.cli.serve_cmds import ui_command
from assistant.settings import ApiSettings
from tests.conftest_helpers import free_port, wait_until_ok

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("CREDIT_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts"))
REQUIRE_BROWSER = os.environ.get("CREDIT_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]  # fmt: skip


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if REQUIRE_BROWSER:
            pytest.fail("chromium is required here but not installed")
        pytest.skip("chromium not installed")


@contextmanager
def running_ui(api_url: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """The UI on a free loopback port, launched with serve's own command line (so its options are tested too)."""
    require_chromium()
    port = free_port()
    command = ui_command(ApiSettings(ui_port=port, ui_host="127.0.0.1"))
    environment = {**os.environ, **(env or {}), "CREDIT_UI_API_URL": api_url}
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ok(url + "/_stcore/health")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def browser_page(timeout_ms: int = 90_000) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(timeout_ms)
        try:
            yield page
        finally:
            browser.close()


@pytest.fixture(scope="module")
def ui_url(live_api: str) -> Iterator[str]:
    with running_ui(live_api) as url:
        yield url


@pytest.fixture(scope="module")
def page(ui_url: str) -> Iterator[Any]:
    with browser_page() as opened:
        yield opened


def sign_in(page: Any, key: str = "test-key") -> None:
    """Fill the sign-in form a new browser session shows first (the user's own key)."""
    page.locator("input[type=password]").fill(key)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("已登录", exact=False).first.wait_for()


def open_signed_in(page: Any, url: str, key: str = "test-key") -> None:
    """Open a page; a new browser session first shows the sign-in form, which takes the user's own key."""
    page.goto(url)
    sign_in(page, key)


def whole_page_screenshot(page: Any, path: Path) -> None:
    """Streamlit scrolls inside its main block, so grow the viewport to the content first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(max(int(height) + 200, 1000), 6000)})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})
