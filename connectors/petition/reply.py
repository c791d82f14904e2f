"""办理结果回复 onto a petition (信访件): the 处理意见 the petition office answers with. Pure."""

from __future__ import annotations

from typing import Any

from .._common.reply import OutcomeReply, reply_text


def to_reply(reply: OutcomeReply) -> dict[str, Any]:
    return {"信访件编号": reply.source_ref, "回复类型": "办理结果回复", "处理意见": reply.outcome_label,
            "回复内容": reply_text(reply), "责任单位": reply.handled_by,
            "办结日期": reply.verified_at[:10], "平台线索编号": reply.clue, "移交编号": reply.handoff}
