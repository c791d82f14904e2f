"""The hand-off pages share the office's layout: our templates join the review templates'
loader, with a few filters for states, actions and outcomes."""

from __future__ import annotations

from pathlib import Path

from hub.review.web import add_template_folder, templates

from .schemas import OUTCOME_LABELS, PERSON_KIND_LABELS, RANK_LABELS, measure_label
from .states import ACTION_LABELS, LABELS, TRANSITIONS, IllegalTransition, next_state

KIND_LABELS = {"assign": "交办", "refer": "移送", "transfer": "转交", "cc": "抄送"}
VIA_LABELS = {"api": "接口", "page": "页面", "cli": "命令行", "system": "系统"}
ROLE_LABELS = {"lead": "主办", "co": "协办"}


def allowed(handoff, actions: tuple[str, ...]) -> list[str]:  # noqa: ANN001
    out = []
    for action in actions:
        if action not in TRANSITIONS:
            continue
        try:
            next_state(handoff.state, action, handoff.returned_by)
        except IllegalTransition:
            continue
        out.append(action)
    return out


add_template_folder(Path(__file__).resolve().parent / "templates")
templates.env.globals.update(HANDOFF_STATES=LABELS, HANDOFF_KINDS=KIND_LABELS,
                             HANDOFF_ACTIONS=ACTION_LABELS, OUTCOMES=OUTCOME_LABELS,
                             VIAS=VIA_LABELS, HANDOFF_ROLES=ROLE_LABELS, allowed_actions=allowed,
                             PERSON_KIND_LABELS=PERSON_KIND_LABELS, RANK_LABELS=RANK_LABELS,
                             measure_label=measure_label)
