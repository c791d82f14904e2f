"""What every page of the desk shares: its templates, their globals, the timeline's labels,
the client's address, the redirects back with a notice."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse

from hub.intake.present import clue_no, parse_clue_no
from hub.normalize.classify import FIELD_LABELS
from hub.review import repository
from hub.review.decisions import KINDS, STATUS_LABELS
from hub.web.templating import add_template_folder, register_event_labels, register_globals

add_template_folder(Path(__file__).resolve().parent.parent / "templates")
register_globals(FIELDS=FIELD_LABELS, STATUSES=STATUS_LABELS, clue_no=clue_no,
                 KINDS={k: label for k, (label, _) in KINDS.items()})
# A clue's timeline: the pipeline's stages, then the office's decisions.
register_event_labels({
    "normalized": "规范化完成", "normalize_failed": "规范化失败", "correlated": "完成相似线索关联",
    "routed": "规则提出处置建议", "correlate_failed": "相似线索关联失败",
    **{f"decision.{kind}": f"作出决定：{label}" for kind, (label, _) in KINDS.items()},
    "closed": "线索办结", "reopened": "回头看：线索重新打开",
    # the clue's cluster, changed from the clue page's panel (hub.correlate)
    "cluster_merged": "线索组合并", "cluster_detached": "移出线索组", "cluster_dissolved": "线索组解散",
    "cluster_split": "拆分为新线索组", "cluster_attached": "加入线索组", "cluster_lead_set": "设为主线索",
})
register_event_labels({
    "decision.proposed": "提出决定，待科长审批", "decision.approved": "科长批准决定",
    "decision.returned": "科长退回决定", "owner.assigned": "分配承办人", "owner.taken": "承办",
    "note": "内部备注", "handoff_owner.assigned": "分配移交承办人",
    "handoff_owner.taken": "承办移交",
    "merge.absorbed": "并入重复线索",
})


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def safe_next(value: str | None) -> str:
    return value if value and value.startswith("/office") and "//" not in value else "/office/"


def with_notice(url: str, **params: str) -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}{urlencode(params)}", status_code=303)


def number_to_id(number: str) -> int:
    parsed = parse_clue_no(number)
    return parsed[1] if parsed else -1


def accounts_names(session) -> dict[int, str]:  # noqa: ANN001
    """user id → display name."""
    return {u.id: u.display_name for u in repository.all_users(session)}
