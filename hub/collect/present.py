"""How collect's results read on the terminal (Chinese, for the office's administrators)."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

if TYPE_CHECKING:
    from hub.collect.deadletters import ReplayResult
    from hub.collect.importer import Refusal
    from hub.collect.models import DeadLetter
    from hub.collect.runner import RunReport
    from hub.collect.service import Tally

OFFICE_TZ = ZoneInfo("Asia/Shanghai")

HEALTH = {"healthy": "正常", "unhealthy": "异常（已降低拉取频率）"}
RUN_STATUS = {"running": "运行中", "ok": "成功", "failed": "失败"}
DEAD_STATE = {"open": "待处理", "replayed": "已重放", "resolved": "已解决", "discarded": "已放弃"}


class Progress:
    """Done / total, updated in place on a terminal; a line per step elsewhere (logs, pipes)."""

    def __init__(self, total: int | None, verb: str, unit: str) -> None:
        self.total, self.verb, self.unit = total, verb, unit
        self.done_count = 0
        self.tty = sys.stdout.isatty()
        self._shown = False

    def advance(self, n: int) -> None:
        self.done_count += n
        share = f"（{self.done_count * 100 // self.total}%）" if self.total else ""
        self.show(f"{self.verb}：{self.done_count}/{self.total} {self.unit}{share}")

    def show(self, text: str) -> None:
        self._shown = True
        if self.tty:
            click.echo(f"\r\x1b[K{text}", nl=False)
        else:
            click.echo(text)

    def done(self) -> None:
        if self.tty and self._shown:
            click.echo()


def run_progress(report: RunReport) -> str:
    t = report.tally
    return (f"第 {report.pages} 页：已读 {t.seen} 条（新线索 {t.new}，已有 {t.known}，"
            f"非线索 {t.not_clue}，死信 {t.dead_lettered}）")


def run_result(report: RunReport) -> str:
    head = f"运行 #{report.run_id} {RUN_STATUS[report.status]}：{report.pages} 页，"
    tail = f"\n  错误：{report.error}" if report.error else ""
    return head + _tally(report.tally) + tail


def _tally(t: Tally) -> str:
    return (f"{t.seen} 条（新线索 {t.new}，已有 {t.known}，非线索 {t.not_clue}，"
            f"死信 {t.dead_lettered}）")


def import_summary(t: Tally) -> str:
    return (f"导入完成：共 {t.seen} 行；新线索 {t.new}，已有 {t.known}，非线索 {t.not_clue}，"
            f"拒收 {t.dead_lettered}")


def refusal_line(refusal: Refusal) -> str:
    where = f"{refusal.field}：" if refusal.field and refusal.field not in refusal.reason else ""
    dead = f"（死信 #{refusal.dead_letter_id}）" if refusal.dead_letter_id else ""
    return f"第 {refusal.row} 行 拒收：{where}{refusal.reason}{dead}"


def connector_block(row: dict[str, Any]) -> str:
    lines = [f"{row['name']}  {row['display_name']}"]
    if not row["configured"]:
        return lines[0] + "\n  未配置（hub connectors set NAME --url …）"
    running = f"；运行中（{row['running_by']}）" if row["running_by"] else ""
    lines += [
        f"  {'已启用' if row['enabled'] else '未启用'}  地址 {row['url'] or '—'}  "
        f"每 {row['interval_seconds']} 秒  每页 {row['page_size']} 条",
        f"  健康 {HEALTH.get(row['health'], row['health'])}"
        f"（连续失败 {row['consecutive_failures']} 次）  下次运行 {_when(row['next_run_at'])}"
        f"{running}",
        f"  游标 {row['cursor'] or '（从头开始）'}  待处理死信 {row['open_dead_letters']} 条",
    ]
    run, fruitful = row["last_run"], row["last_run_with_records"]
    if run is None:
        return "\n".join([*lines, "  尚未运行"])
    lines.append(_run_line("上次运行", run))
    if run["error"]:
        lines.append(f"    错误：{run['error']}")
    if fruitful and fruitful["id"] != run["id"]:
        lines.append(_run_line("上次读到记录", fruitful))
    return "\n".join(lines)


def _run_line(label: str, run: dict[str, Any]) -> str:
    return (f"  {label} #{run['id']} {RUN_STATUS[run['status']]} {_when(run['started_at'])}："
            f"{run['pages']} 页 {run['seen']} 条（新线索 {run['new']}，已有 {run['known']}，"
            f"非线索 {run['not_clue']}，死信 {run['dead_lettered']}）")


def dead_letter_json(dead: DeadLetter) -> dict[str, Any]:
    return {"id": dead.id, "connector": dead.connector, "origin": dead.origin,
            "record_ref": dead.record_ref, "field": dead.field, "reason": dead.reason,
            "state": dead.state, "created_at": dead.created_at.isoformat(),
            "replayed_at": dead.replayed_at and dead.replayed_at.isoformat(),
            "clue_id": dead.clue_id, "raw_record_id": dead.raw_record_id}


def dead_letter_line(dead: DeadLetter) -> str:
    clue = f" → 线索 {dead.clue_id}" if dead.clue_id else ""
    return (f"#{dead.id:<6} {dead.connector:<13} {dead.origin:<6} {dead.record_ref or '（无编号）'}"
            f"  {DEAD_STATE.get(dead.state, dead.state)}{clue}  {_when(dead.created_at)}\n"
            f"        {dead.field or '记录'}：{dead.reason}")


def replay_line(result: ReplayResult) -> str:
    if result.skipped:
        return f"#{result.dead_letter_id} 已是“{DEAD_STATE.get(result.state)}”，跳过"
    if result.state == "replayed":
        return f"#{result.dead_letter_id} 已重放 → 线索 {result.clue['id']}"
    if result.state == "resolved":
        return f"#{result.dead_letter_id} 重新映射后不是线索，已标记为已解决"
    where = f"{result.field}：" if result.field and result.field not in result.reason else ""
    return f"#{result.dead_letter_id} 仍未通过：{where}{result.reason}"


def replay_summary(results: list[ReplayResult]) -> str:
    counts = {state: sum(1 for r in results if r.state == state and not r.skipped)
              for state in ("replayed", "resolved", "open")}
    return (f"重放 {len(results)} 条：成为线索 {counts['replayed']}，非线索 {counts['resolved']}，"
            f"仍未通过 {counts['open']}")


def _when(value: str | datetime | None) -> str:
    if value is None:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M:%S")
