"""`credit-assistant records import|show|sample|audit|purge`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli import app
from assistant.settings import get_settings
from connectors import ImportRejected, RecordStore

console = Console()
records_app = typer.Typer(help="主体信用记录：导入、查询、示例数据", no_args_is_help=True)
app.add_typer(records_app, name="records")


def open_store(sample: bool = True) -> RecordStore:
    from assistant.bootstrap import open_records  # the service's ID-number secret and upload limits

    return open_records(get_settings(), sample)


@records_app.command("import")
def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV / JSONL / XLSX 文件"),
    record_type: str | None = typer.Option(
        None, "--type", help="subjects/penalties/list_entries/evaluations/commitments/repairs"
    ),
) -> None:
    """导入记录文件：任一行有误则整个文件不导入，并逐行列出错误。"""
    store = open_store()
    try:
        result = store.import_file(file.name, file.read_bytes(), record_type)
    except ImportRejected as exc:
        console.print(f"[red]导入失败：[/red]{exc.message}")
        for error in exc.errors[:200]:
            console.print(f"  {error}")
        raise typer.Exit(1) from exc
    console.print(
        f"已导入 {result.rows} 行（{result.record_type}）：新增 {result.inserted}，更新 {result.updated}，未变 {result.unchanged}"
    )


@records_app.command("show")
def show_command(code_or_name: str = typer.Argument(..., help="统一社会信用代码或主体名称")) -> None:
    """显示一个主体的全部信用记录。"""
    store = open_store()
    resolution = store.repository.resolve(code_or_name)
    if resolution.error:
        console.print(f"[red]{resolution.error}[/red]")
        raise typer.Exit(1)
    if resolution.subject is None:
        console.print("找到多个可能的主体，请指明：")
        for match in resolution.candidates:
            console.print(f"  {match.subject.name}（{match.subject.identifier}） 相似度 {match.score:.0f}")
        raise typer.Exit(1)
    profile = store.repository.profile(resolution.subject.id)
    s = profile.subject
    console.print(f"[bold]{s.name}[/bold]  {s.identifier}  {s.kind}  {s.locality}  {s.industry}")
    table = Table("记录", "内容")
    for p in profile.penalties:
        table.add_row(
            p.record_label,
            f"{p.decision_date} {p.authority} {p.penalty_type} {p.severity} 履行：{p.fulfilled_on or '未履行'}",
        )
    for e in profile.lists:
        table.add_row(e.record_label, f"{e.reason} {'（仍在名单）' if e.active else f'（{e.date_out}移出）'}")
    for v in profile.evaluations:
        table.add_row(v.record_label, f"等级 {v.grade}，{v.supervision_level}")
    for c in profile.commitments:
        table.add_row(c.record_label, f"{c.matter}：{c.status}")
    for r in profile.repairs:
        table.add_row(r.record_label, f"{r.status} {r.decided_on or ''}")
    console.print(table)


@records_app.command("sample")
def sample_command(
    subjects: int = typer.Option(None, "--subjects", help="主体数量（默认取配置，大数量用于基准测试）"),
    seed: int = typer.Option(None, "--seed", help="随机种子"),
) -> None:
    """清空并重新生成确定性的示例数据。"""
    settings = get_settings()
    store = open_store(sample=False)
    counts = store.reset_sample(
        subjects or settings.database.sample_subjects, seed or settings.database.sample_seed
    )
    console.print("已生成示例数据：" + "，".join(f"{k} {v}" for k, v in counts.items()))


@records_app.command("audit")
def audit_command(
    limit: int = typer.Option(20, "--limit", help="显示最近多少条"),
    action: str | None = typer.Option(None, "--action", help="只看某类操作，如 subject_status"),
) -> None:
    """显示最近的记录查询审计条目（谁、做了什么、哪个主体、何时、从哪里）。"""
    table = Table("时间(UTC)", "调用方", "操作", "对象", "渠道", "客户端")
    for entry in open_store(sample=False).audit.recent(limit, action):
        table.add_row(
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            entry.who,
            entry.action,
            entry.target,
            entry.channel,
            entry.client,
        )
    console.print(table)


@records_app.command("purge")
def purge_command() -> None:
    """按保留期限删除过期的审计条目和对话（启动服务时也会自动执行）。"""
    from assistant.bootstrap import purge_expired

    counts = purge_expired(get_settings(), open_store(sample=False))
    console.print(f"已删除审计条目 {counts['audit']} 条、过期对话 {counts['conversations']} 个。")
