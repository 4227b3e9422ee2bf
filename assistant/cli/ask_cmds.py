"""`credit-assistant ask` and `credit-assistant chat`."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markdown import Markdown

from assistant.access import local_operator
from assistant.bootstrap import build_assistant
from assistant.cli import app
from assistant.errors import AssistantError
from assistant.models import Answer
from assistant.settings import get_settings

console = Console()


def print_answer(answer: Answer) -> None:
    console.print(f"[dim]路由：{answer.route}（{'；'.join(answer.route_reasons)}）[/dim]")
    console.print(Markdown(answer.text))
    for citation in answer.citations:
        console.print(
            f"[cyan][{citation.number}][/cyan] 《{citation.title}》{citation.doc_number} · {citation.section_path}"
        )
        console.print(f"    “{citation.quote}”", style="dim")
    for related in answer.related:
        console.print(
            f"[yellow]相关[/yellow] 《{related.title}》{related.doc_number} · {related.section_path}：{related.passage[:80]}…"
        )


@app.command("ask")
def ask_command(question: str = typer.Argument(..., help="问题")) -> None:
    """回答一个问题，并列出出处。"""
    assistant = build_assistant(get_settings())
    try:
        print_answer(assistant.ask(question, caller=local_operator("cli")))
    except AssistantError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from exc


@app.command("chat")
def chat_command() -> None:
    """多轮对话（输入 exit 退出）。"""
    assistant = build_assistant(get_settings())
    conversation_id: str | None = None
    operator = local_operator("cli")
    while True:
        try:
            question = console.input("[bold green]问：[/bold green]")
        except (EOFError, KeyboardInterrupt):
            break
        if question.strip().lower() in {"exit", "quit", "退出"}:
            break
        try:
            answer = assistant.ask(question, conversation_id, operator)
        except AssistantError as exc:
            console.print(f"[red]{exc.message}[/red]")
            continue
        conversation_id = answer.conversation_id
        print_answer(answer)
