"""`credit-assistant serve [--workers N]`: API and Streamlit UI together, on the bundled corpus and sample records."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer
import uvicorn
from rich.console import Console

from assistant.api.app import create_app
from assistant.bootstrap import build_assistant
from assistant.cli import app
from assistant.settings import ApiSettings, Settings, get_settings

console = Console()
UI_ENTRY = Path(__file__).resolve().parents[2] / "ui" / "app.py"


def ui_command(api: ApiSettings) -> list[str]:
    """Streamlit on `api.ui_host` (loopback by default; a reverse proxy in front serves it to others)."""
    return [
        sys.executable, "-m", "streamlit", "run", str(UI_ENTRY),
        "--server.port", str(api.ui_port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.address", api.ui_host,
        "--client.toolbarMode", "minimal",  # no Deploy button or developer menu (English) for users
    ]  # fmt: skip


def start_ui(api_url: str, api: ApiSettings) -> subprocess.Popen[bytes]:
    """The UI holds no key of its own: each user signs in with theirs, which it forwards on every call."""
    env = {k: v for k, v in os.environ.items() if k != "CREDIT_UI_API_KEY"}
    env["CREDIT_UI_API_URL"] = api_url
    return subprocess.Popen(ui_command(api), env=env)


def proxy_options(api: ApiSettings) -> dict[str, Any]:
    """Uvicorn trusts X-Forwarded-For/-Proto only from the configured proxies; by default from no one, so the
    audit log's client address is the connecting one (uvicorn's own default trusts 127.0.0.1)."""
    allowed = api.forwarded_allow_ips.strip()
    return {"proxy_headers": bool(allowed), "forwarded_allow_ips": allowed or []}


def prepare(settings: Settings) -> None:
    """Ingest, index, migrate, seed, train and purge whatever is missing or stale (in a throw-away process)."""
    build_assistant(settings)


def prepare_in_subprocess(settings: Settings) -> None:
    """Build once before the workers start, in a process that exits, so its memory goes back to the system."""
    process = multiprocessing.get_context("spawn").Process(target=prepare, args=(settings,), name="prepare")
    process.start()
    process.join()
    if process.exitcode != 0:
        raise typer.Exit(process.exitcode or 1)


@app.command("serve")
def serve_command(
    no_ui: bool = typer.Option(False, "--no-ui", help="只启动 API"),
    workers: int | None = typer.Option(
        None, "--workers", min=1, help="API 工作进程数（默认取 CREDIT_API__WORKERS，即 1）"
    ),
) -> None:
    """启动 API 与 Streamlit 界面（首次运行时解析语料并构建索引）。"""
    settings = get_settings()
    workers = workers or settings.api.workers
    console.print("正在准备语料、索引和示例数据库……")
    if workers > 1:
        prepare_in_subprocess(settings)
        application: object = "assistant.api.app:app_factory"
    else:
        application = create_app(settings, build_assistant(settings))
    api_url = f"http://{settings.api.host}:{settings.api.port}"
    ui = None if no_ui else start_ui(api_url, settings.api)
    console.print(f"[bold green]API：[/bold green]{api_url}  （文档：{api_url}/docs，工作进程 {workers} 个）")
    if ui is not None:
        console.print(
            f"[bold green]界面：[/bold green]http://{settings.api.ui_host}:{settings.api.ui_port}（用 API 密钥登录）"
        )
    try:
        uvicorn.run(
            application,  # type: ignore[arg-type]
            host=settings.api.host,
            port=settings.api.port,
            log_level="warning",
            workers=workers,
            factory=workers > 1,
            timeout_worker_healthcheck=settings.api.worker_healthcheck_seconds,
            **proxy_options(settings.api),
        )
    finally:
        if ui is not None:
            ui.terminate()
