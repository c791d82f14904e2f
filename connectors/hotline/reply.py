"""办理结果回复 onto a 12345 work order (工单), in the platform's own field names. Pure."""

from __future__ import annotations

from typing import Any

from .._common.reply import OutcomeReply, reply_text


def to_reply(reply: OutcomeReply) -> dict[str, Any]:
    return {"工单编号": reply.source_ref, "回复类型": "办理结果回复", "办理结果": reply.outcome_label,
            "回复内容": reply_text(reply), "承办单位": reply.handled_by,
            "办结时间": reply.verified_at, "平台线索编号": reply.clue, "移交编号": reply.handoff}
