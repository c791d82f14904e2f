"""The .xlsx exports of the queue and all clues: reporters masked as on the pages, each export
in the audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.db.types import utcnow
from hub.errors import Forbidden
from hub.intake.present import clue_no
from hub.review import repository
from hub.review.decisions import KIND_LABELS, STATUS_LABELS
from hub.review.filters import FILTER_SCOPES

CLUE_EXPORT_HEADERS = ["线索编号", "标题", "状态", "渠道", "问题类别", "属地", "被反映单位",
                       "反映人", "紧急程度", "接收时间", "最新决定", "决定对象", "线索组"]
CLUE_EXPORT_WIDTHS = [18, 40, 10, 12, 14, 20, 30, 16, 8, 18, 10, 24, 8]
URGENCY_LABELS = {"normal": "一般", "important": "重要", "urgent": "紧急"}


def require_exporter(by: OfficePrincipal) -> None:
    if not by.can_review:
        raise Forbidden("只有科员、科长和领导可以导出线索和移交")


def reporter_shown(masked: dict[str, Any] | None) -> str:
    """The reporter as the clue page shows it: masked, or 匿名."""
    if not masked:
        return ""
    if masked.get("anonymous"):
        return "匿名"
    return " ".join(str(masked[k]) for k in ("name", "phone") if masked.get(k))


def export_clues(session: Session, by: OfficePrincipal, f: repository.QueueFilter, target: Any,
                 *, via: str, scope: str = "queue", ip: str | None = None,
                 region_name: Any = None) -> int:
    """The clues a filter finds (the queue, or all clues) into an .xlsx at `target`,
    streamed; reporters masked as on the pages; the export in the audit trail (who, which
    filters, how many rows). Returns the number of rows."""
    from hub.contract.v1 import CATEGORY_LABELS, CHANNEL_LABELS
    from hub.security.spreadsheet import write_xlsx

    require_exporter(by)
    place = region_name or (lambda code: code or "")

    def rows() -> Any:
        for clues in repository.export_pages(session, f):
            ids = [c.id for c in clues]
            notes = repository.notes(session, ids)
            latest = repository.decisions_latest(session, ids)
            for c in clues:
                d = latest.get(c.id)
                n = notes.get(c.id)
                yield [clue_no(c.id, c.received_at), c.title, STATUS_LABELS.get(c.status, c.status),
                       CHANNEL_LABELS.get(c.channel, c.channel),
                       CATEGORY_LABELS.get(c.category, c.category or ""), place(c.region_code),
                       "；".join(s.get("resolved_name") or s.get("name") or ""
                                for s in c.subjects or []),
                       reporter_shown(c.reporter_masked), URGENCY_LABELS.get(c.urgency, c.urgency),
                       c.received_at, KIND_LABELS.get(d.kind, d.kind) if d else "",
                       (d.target or "") if d else "",
                       n.cluster_id if n and n.cluster_id else ""]

    written = write_xlsx(target, FILTER_SCOPES.get(scope, "线索"), CLUE_EXPORT_HEADERS, rows(),
                         CLUE_EXPORT_WIDTHS)
    audit.record(session, actor=audit.user_actor(by), action="clues.exported",
                 target=f"list:{scope}", via=via, ip=ip, at=utcnow(),
                 after={"filters": filter_description(f), "rows": written, "format": "xlsx"})
    return written


def filter_description(f: repository.QueueFilter) -> dict[str, str]:
    """The filters that narrowed a list, as the audit trail keeps them."""
    from dataclasses import asdict

    return {k: v for k, v in asdict(f).items() if v and not (k == "sort" and v == "newest")}
