"""Saved filters: a list's filters (the queue, all clues, hand-offs) kept under a name, the
user's own."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.db.types import utcnow
from hub.errors import Conflict, FieldError, InvalidInput, NotFound
from hub.review import repository
from hub.review.models import SavedFilter

FILTER_SCOPES = {"queue": "研判队列", "clues": "全部线索", "handoffs": "移交跟踪"}
FILTER_KEYS = {
    "queue": ("channel", "category", "region", "subject", "cluster", "multi", "rule", "q", "sort"),
    "clues": ("status", "channel", "category", "region", "subject", "cluster", "rule", "q", "sort"),
    "handoffs": ("state", "kind", "receiver"),
}
MAX_SAVED_FILTERS = 50


def filter_params(scope: str, params: Any) -> dict[str, str]:
    """The filters of a list's query string worth keeping (paging and notices dropped)."""
    keys = FILTER_KEYS.get(scope, ())
    return {k: str(params.get(k))[:200] for k in keys if params.get(k)}


def saved_filters(session: Session, by: OfficePrincipal, scope: str = "queue") -> list[Any]:
    return repository.saved_filters(session, by.user_id, scope)


def save_filter(session: Session, by: OfficePrincipal, name: str, params: dict[str, str],
                scope: str = "queue", *, via: str, ip: str | None = None) -> Any:
    """Keep the list's current filters under a name, the user's own; the same name again
    replaces what it held."""
    if scope not in FILTER_SCOPES:
        raise InvalidInput([FieldError(["scope"], f"筛选条件的列表应为：{'、'.join(FILTER_SCOPES)}")])
    name = (name or "").strip()
    if not name or len(name) > 60 or "\x00" in name:
        raise InvalidInput([FieldError(["name"], "筛选条件名称（name）应为 1 到 60 个字")])
    params = filter_params(scope, params)
    if not params:
        raise InvalidInput([FieldError(["name"], "当前没有任何筛选条件，请先筛选再保存")])
    now = utcnow()
    found = repository.saved_filter(session, by.user_id, scope, name)
    if found is None:
        if len(repository.saved_filters(session, by.user_id, scope)) >= MAX_SAVED_FILTERS:
            raise Conflict(f"每个列表最多保存 {MAX_SAVED_FILTERS} 组筛选条件，请先删除不用的")
        found = SavedFilter(user_id=by.user_id, scope=scope, name=name, params=params,
                            created_at=now)
        repository.add_saved_filter(session, found)
    else:
        found.params, found.created_at = params, now
    audit.record(session, actor=audit.user_actor(by), action="filter.saved",
                 target=f"saved_filter:{found.id}", via=via, ip=ip, at=now,
                 after={"scope": scope, "name": name, "filters": params})
    return found


def delete_filter(session: Session, by: OfficePrincipal, filter_id: int, *, via: str,
                  ip: str | None = None) -> str:
    found = repository.saved_filter_by_id(session, filter_id)
    if found is None or found.user_id != by.user_id:  # another's is none of the caller's business
        raise NotFound(f"没有找到保存的筛选条件 {filter_id}")
    name = found.name
    repository.delete_saved_filter(session, found)
    audit.record(session, actor=audit.user_actor(by), action="filter.deleted",
                 target=f"saved_filter:{filter_id}", via=via, ip=ip, at=utcnow(),
                 before={"scope": found.scope, "name": name, "filters": found.params})
    return name
