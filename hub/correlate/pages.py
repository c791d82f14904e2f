"""The office's operations on clusters on a clue's page (forms).

Pages post to `/office/clues/{number}/cluster/...` and come back to the clue's page; the same
operations as JSON are in `endpoints.py`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from hub.api.deps import HubDep
from hub.correlate import service
from hub.correlate.endpoints import checked as _checked
from hub.db.types import utcnow
from hub.errors import FieldError, InvalidInput
from hub.intake.service import clue_id_of
from hub.web.actions import act, actor
from hub.web.session import PageUser

router = APIRouter(prefix="/office/clues/{number}/cluster", include_in_schema=False)
_CLUSTER_NO = re.compile(r"^(?:线索组|组|#)?\s*(\d{1,12})$")


def parse_target(text: str, session: Any) -> dict[str, int]:
    """`XS-2026-000123` (a clue of the cluster) or `17` / `线索组17` (the cluster itself)."""
    value = (text or "").strip()
    if not value:
        raise InvalidInput([FieldError(["into"], "请填写要并入的线索组编号或线索编号")])
    if value.upper().startswith("XS-"):
        return {"into_clue_id": clue_id_of(session, value.upper())}
    match = _CLUSTER_NO.match(value)
    if not match:
        raise InvalidInput([FieldError(["into"], f"“{value}”既不是线索编号（如 XS-2026-000123）"
                                                 "也不是线索组编号（如 17）")])
    return {"into_cluster_id": int(match.group(1))}


# --- on the clue's page -------------------------------------------------------------------

@router.post("/merge")
def merge_page(number: str, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
               into: Annotated[str, Form()] = "") -> RedirectResponse:
    _checked(user, csrf)

    def run(session: Any) -> str:
        clue_id = clue_id_of(session, number)
        merged = service.merge_clue(session, clue_id=clue_id, actor=actor(user), now=utcnow(),
                                    **parse_target(into, session))
        return f"已并入线索组 {merged.id}（共 {len(merged.members)} 条线索）"

    return act(hub, f"/office/clues/{number}", run)


@router.post("/detach")
def detach_page(number: str, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
                reason: Annotated[str, Form()] = "") -> RedirectResponse:
    _checked(user, csrf)

    def run(session: Any) -> str:
        cluster_id = service.detach(session, clue_id=clue_id_of(session, number),
                                    actor=actor(user), now=utcnow(), reason=reason.strip() or None)
        return f"已将本线索移出线索组 {cluster_id}"

    return act(hub, f"/office/clues/{number}", run)


@router.post("/split")
async def split_page(number: str, request: Request, user: PageUser,
                     hub: HubDep) -> RedirectResponse:
    form = await request.form()
    _checked(user, str(form.get("csrf") or ""))
    ids = [int(v) for v in form.getlist("member") if str(v).isdigit()]

    def run(session: Any) -> str:
        made = service.split(session, clue_ids=ids, actor=actor(user), now=utcnow())
        return f"已将 {len(made.members)} 条线索拆分为新线索组 {made.id}"

    return act(hub, f"/office/clues/{number}", run)


@router.post("/lead")
def lead_page(number: str, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
              lead: Annotated[int, Form()]) -> RedirectResponse:
    _checked(user, csrf)

    def run(session: Any) -> str:
        cluster_id = service.cluster_of_clue(session, clue_id=clue_id_of(session, number))
        if cluster_id is None:
            raise InvalidInput([FieldError(["lead"], "本线索不在任何线索组中")])
        service.set_lead(session, cluster_id=cluster_id, clue_id=lead, actor=actor(user),
                         now=utcnow())
        return f"已设为线索组 {cluster_id} 的主线索"

    return act(hub, f"/office/clues/{number}", run)
