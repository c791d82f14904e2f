"""The four kinds of hand-off (SPEC §4): what each is called, and the clue status it leads to."""

from __future__ import annotations

KINDS = {
    "assign": ("交办", "assigned"),
    "refer": ("移送", "referred"),
    "transfer": ("转交", "transferred"),
    "cc": ("抄送", "copied"),
}
HANDOFF_KINDS = tuple(KINDS)
KIND_LABELS = {kind: label for kind, (label, _) in KINDS.items()}
