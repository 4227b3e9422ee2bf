"""`credit-assistant serve`: API and Streamlit UI together, on the bundled corpus and sample records."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer
import uvicorn
from rich.console import Console

from assistant.api.app import create_app
from assistant.bootstrap import build_assistant
from assistant.cli import app
from assistant.settings import get_settings

console = Console()
UI_ENTRY = Path(__file__).resolve().parents[2] / "ui" / "app.py"


def start_ui(api_url: str, port: int, api_key: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CREDIT_UI_API_URL": api_url, "CREDIT_UI_API_KEY": api_key}
    command = [
        sys.executable, "-m", "streamlit", "run", str(UI_ENTRY),
        "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.address", "0.0.0.0",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env)


@app.command("serve")
def serve_command(
    no_ui: bool = typer.Option(False, "--no-ui", help="只启动 API"),
) -> None:
    """启动 API 与 Streamlit 界面（首次运行时解析语料并构建索引）。"""
    settings = get_settings()
    console.print("正在准备语料、索引和示例数据库……")
    assistant = build_assistant(settings)
    api_url = f"http://{settings.api.host}:{settings.api.port}"
    ui = (
        None
        if no_ui
        else start_ui(
            api_url, settings.api.ui_port, settings.api.api_keys[0] if settings.api.api_keys else ""
        )
    )
    console.print(f"[bold green]API：[/bold green]{api_url}  （文档：{api_url}/docs）")
    if ui is not None:
        console.print(f"[bold green]界面：[/bold green]http://localhost:{settings.api.ui_port}")
    try:
        uvicorn.run(
            create_app(settings, assistant),
            host=settings.api.host,
            port=settings.api.port,
            log_level="warning",
        )
    finally:
        if ui is not None:
            ui.terminate()
