"""Importing a directory file: upsert by credit code, else by name; idempotent.

A row updates the body with its credit code, else the body with its name, else adds one.
What cannot be taken is refused with its line and a reason in Chinese; the other rows go in.
`replace` deactivates the bodies the file no longer lists (never deletes: clues point at them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from . import repository
from .models import Body
from .rows import BodyRow, Refusal, check_rows
from .sheet import read_sheet


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    deactivated: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"added": len(self.added), "updated": len(self.updated),
                "unchanged": self.unchanged, "deactivated": len(self.deactivated),
                "refused": [r.as_json() for r in sorted(self.refused, key=lambda r: r.line)]}

    def summary(self) -> str:
        return (f"新增 {len(self.added)} 个，更新 {len(self.updated)} 个，未变 {self.unchanged} 个，"
                f"停用 {len(self.deactivated)} 个，拒绝 {len(self.refused)} 行")


def import_file(session: Session, path: Path, *, now: datetime,
                replace: bool = False) -> ImportReport:
    rows, refused = check_rows(read_sheet(path))
    report = import_rows(session, rows, now=now, replace=replace)
    report.refused = refused + report.refused
    return report


def import_rows(session: Session, rows: list[BodyRow], *, now: datetime,
                replace: bool = False) -> ImportReport:
    report = ImportReport()
    stored = repository.all_bodies(session)
    plan = _match(rows, stored, report)
    plan = _with_known_parents(plan, stored, report)
    changed: set[int] = set()
    for row, body in plan:
        if body is None:
            body = Body(name=row.name, aliases=list(row.aliases), credit_code=row.credit_code,
                        region_code=row.region_code, level=row.level, kind=row.kind,
                        active=True, updated_at=now)
            session.add(body)
            report.added.append(row.name)
        elif _apply(body, row):
            changed.add(id(body))
    session.flush()
    by_name = {b.name: b for b in repository.all_bodies(session)}
    for row, _ in plan:
        body = by_name[row.name]
        parent_id = by_name[row.parent].id if row.parent else None
        if body.parent_id != parent_id:
            body.parent_id = parent_id
            changed.add(id(body))
    for row, _ in plan:
        body = by_name[row.name]
        if id(body) in changed and row.name not in report.added:
            body.updated_at = now
            report.updated.append(row.name)
    report.unchanged = len(plan) - len(report.added) - len(report.updated)
    if replace:
        listed = {row.name for row, _ in plan}
        for body in by_name.values():
            if body.active and body.name not in listed:
                body.active, body.updated_at = False, now
                report.deactivated.append(body.name)
    session.flush()
    return report


def _match(rows: list[BodyRow], stored: list[Body],
           report: ImportReport) -> list[tuple[BodyRow, Body | None]]:
    """The stored body each row updates (None: a new one), refusing clashes."""
    by_code = {b.credit_code: b for b in stored if b.credit_code}
    by_name = {b.name: b for b in stored}
    taken: dict[int, int] = {}
    plan = []
    for row in rows:
        coded = by_code.get(row.credit_code) if row.credit_code else None
        named = by_name.get(row.name)
        body = coded or named
        reason = None
        if coded is not None and named is not None and named is not coded:
            reason = f"单位名称已被另一单位使用（其信用代码 {named.credit_code or '空'}）"
        elif (coded is None and named is not None and row.credit_code and named.credit_code
              and named.credit_code != row.credit_code):
            reason = f"该单位已登记，统一社会信用代码为 {named.credit_code}，与本行不同"
        elif body is not None and body.id in taken:
            reason = f"与第 {taken[body.id]} 行指向同一单位"
        if reason:
            report.refused.append(Refusal(row.line, row.name, reason))
            continue
        if body is not None:
            taken[body.id] = row.line
        plan.append((row, body))
    return plan


def _with_known_parents(plan: list[tuple[BodyRow, Body | None]], stored: list[Body],
                        report: ImportReport) -> list[tuple[BodyRow, Body | None]]:
    """Refuse rows whose parent is neither stored nor imported (repeated: refusing a row
    takes its name away from its children)."""
    renamed = {body.name for row, body in plan if body is not None and body.name != row.name}
    stored_names = {b.name for b in stored} - renamed
    while True:
        known = stored_names | {row.name for row, _ in plan}
        orphans = [(row, body) for row, body in plan if row.parent and row.parent not in known]
        if not orphans:
            return plan
        for row, _ in orphans:
            report.refused.append(Refusal(row.line, row.name,
                                          f"上级单位“{row.parent}”不在名录中，也不在本文件中"))
        plan = [item for item in plan if item not in orphans]


def _apply(body: Body, row: BodyRow) -> bool:
    """Copy the row onto the body; True when anything changed."""
    values = {"name": row.name, "aliases": list(row.aliases),
              "credit_code": row.credit_code or body.credit_code, "region_code": row.region_code,
              "level": row.level, "kind": row.kind, "active": True}
    changed = False
    for key, value in values.items():
        if getattr(body, key) != value:
            setattr(body, key, value)
            changed = True
    return changed
