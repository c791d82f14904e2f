"""What a decision is, and which clue status it leads to (pure)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from hub.errors import FieldError, InvalidInput
from hub.handoffs.kinds import KINDS as HANDOFF_KIND_TABLE

KINDS = {
    "accept": ("受理", "accepted"),
    "decline": ("不予受理", "declined"),
    **HANDOFF_KIND_TABLE,  # assign, refer, transfer, cc: each creates hand-offs
    "merge": ("合并", "merged"),
}
NEEDS_TARGET = {"assign", "refer", "transfer", "cc", "merge"}
STATUS_LABELS = {
    "received": "已接收", "normalized": "已规范化", "correlated": "已关联", "pending_review": "待研判", "failed": "处理失败",
    **{status: label for label, status in KINDS.values()},
    "closed": "办结",
}
REVIEWABLE = {"pending_review"}
SETTLES_DUPLICATES = frozenset(KINDS) - {"merge"}  # a lead's decision that settles its duplicates


@dataclass(frozen=True)
class DecisionRequest:
    kind: str
    target: str | None = None
    reason: str | None = None
    # For hand-off kinds: co-handlers (协办), instructions, deadlines (working days or dates;
    # None takes the per-kind default), and whether the reporter's contact data goes along.
    co_handlers: tuple[str, ...] = ()
    instructions: str | None = None
    reply_days: int | None = None
    complete_days: int | None = None
    reply_due_on: date | None = None
    due_on: date | None = None
    share_reporter: bool = False
    # Accepting, declining or handing off a cluster's lead: its still-pending duplicates are
    # merged into it by the same decision (同时处理本组重复线索).
    with_duplicates: bool = False

    def checked(self) -> DecisionRequest:
        """The request with its text trimmed, or InvalidInput naming what is missing."""
        errors = []
        target = (self.target or "").strip() or None
        reason = (self.reason or "").strip() or None
        if self.kind not in KINDS:
            errors.append(FieldError(["kind"], f"决定类型应为以下之一：{'、'.join(KINDS)}"))
        if self.kind == "decline" and not reason:
            errors.append(FieldError(["reason"], "不予受理必须填写理由"))
        if self.kind == "merge" and not target:
            errors.append(FieldError(["target"], "合并必须填写要并入的线索编号（如 XS-2026-000123）"))
        elif self.kind in NEEDS_TARGET and not target:
            errors.append(FieldError(["target"], f"{KINDS[self.kind][0]}必须填写对象单位"))
        if self.with_duplicates and self.kind not in SETTLES_DUPLICATES:
            errors.append(FieldError(["with_duplicates"],
                                     "只有受理、不予受理和交办、移送、转交、抄送可以同时处理本组重复线索"))
        for name in ("reply_days", "complete_days"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 365:
                errors.append(FieldError([name], "期限（工作日）应在 0 到 365 之间"))
        for field, text in (("target", target), ("reason", reason)):
            if text and "\x00" in text:  # PostgreSQL text cannot hold it
                errors.append(FieldError([field], "不能含有 NUL 字符（\\u0000）"))
        if errors:
            raise InvalidInput(errors)
        co = tuple(c.strip() for c in self.co_handlers if c and c.strip())
        return replace(self, target=target, reason=reason, co_handlers=co,
                       instructions=(self.instructions or "").strip() or None)

    @property
    def status(self) -> str:
        return KINDS[self.kind][1]
