"""`credit-assistant` CLI: one Typer app, a sub-module per layer adds its commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="信用政策问答助手 credit-assistant", no_args_is_help=True, add_completion=False)


@app.callback()
def main() -> None:
    """信用政策问答助手：语料入库、索引、问答、主体记录、服务与评测。"""


from assistant.cli import ask_cmds, corpus_cmds, eval_cmds, index_cmds, model_cmds, records_cmds, serve_cmds  # noqa: E402,F401  (registers commands)
