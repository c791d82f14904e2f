"""The hand-off's states and the one table of legal transitions (pure; SPEC §5).

    sent ─ack─► acknowledged ─reply(final)─► replied ─verify─► verified ─close─► closed
      │              │                          │                                  │
      └──return──────┴──► returned ◄─send_back──┘                 follow-up check: reopen

`returned` has two meanings, told apart by `returned_by`: the receiver says the matter is
not theirs (the office then resends or cancels), or the office sent a reply back for more
work (the receiver then acknowledges or replies again).
"""

from __future__ import annotations

from hub.errors import Conflict

STATES = ("sent", "acknowledged", "replied", "verified", "closed", "returned", "cancelled")
LABELS = {"sent": "已送达", "acknowledged": "已签收", "replied": "已反馈", "verified": "已验收",
          "closed": "已办结", "returned": "已退回", "cancelled": "已撤销"}
OPEN = frozenset({"sent", "acknowledged", "replied", "returned"})  # the office still waits
RECEIVER_WORKING = frozenset({"sent", "acknowledged"})  # deadlines and reminders run

# action -> (states it may start from, the state it leads to; None keeps the state)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "acknowledge": (frozenset({"sent"}), "acknowledged"),
    "reply_progress": (frozenset({"sent", "acknowledged"}), "acknowledged"),
    "reply_final": (frozenset({"sent", "acknowledged"}), "replied"),
    "return": (frozenset({"sent", "acknowledged"}), "returned"),  # by the receiver
    "send_back": (frozenset({"replied"}), "returned"),  # by the office, for more work
    "verify": (frozenset({"replied"}), "verified"),
    "close": (frozenset({"verified", "acknowledged"}), "closed"),  # acknowledged: a cc
    "resend": (frozenset({"returned"}), "sent"),
    "reopen": (frozenset({"closed"}), "acknowledged"),  # 回头看
    "cancel": (OPEN, "cancelled"),
    # A replied hand-off waits on the office (验收), not on the receiver: nobody to remind.
    "remind": (OPEN - {"replied"}, None),
    "escalate": (OPEN - {"replied"}, None),
}
ACTION_LABELS = {"acknowledge": "签收", "reply_progress": "进展反馈", "reply_final": "办结反馈",
                 "return": "退回（非本单位职责）", "send_back": "退回重办", "verify": "验收",
                 "close": "销号", "resend": "重新移交", "reopen": "回头看重新打开",
                 "cancel": "撤销", "remind": "催办", "escalate": "督办升级", "create": "移交",
                 "redirect": "改送其他单位"}  # redirect = cancel + a new hand-off (hub.handoffs.office)


class IllegalTransition(Conflict):
    """An action the hand-off's current state does not allow (answered 409)."""

    code = "illegal_transition"


def next_state(state: str, action: str, returned_by: str | None = None) -> str:
    """The state after `action`, or IllegalTransition naming the current state."""
    if action not in TRANSITIONS:
        raise IllegalTransition(f"未知的移交操作：{action}")
    allowed, target = TRANSITIONS[action]
    # After the office sent a reply back, the receiver works again; after the receiver
    # returned it, only the office acts (resend, cancel).
    if state == "returned" and returned_by == "office" and action in (
            "acknowledge", "reply_progress", "reply_final"):
        allowed = allowed | {"returned"}
    if state == "returned" and returned_by == "office" and action == "resend":
        allowed = frozenset()
    if state == "replied" and action in ("remind", "escalate"):
        raise IllegalTransition(f"移交当前状态为“{LABELS[state]}”（{state}）：接收单位已办结反馈，"
                                f"正等待办公室验收，不能{ACTION_LABELS[action]}；请验收或退回重办")
    if state not in allowed:
        raise IllegalTransition(
            f"移交当前状态为“{LABELS.get(state, state)}”（{state}），"
            f"不能执行“{ACTION_LABELS.get(action, action)}”")
    return target or state
