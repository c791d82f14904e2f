"""Which retention period (保管期限) and secrecy mark (密级) a matter's file gets (pure)."""

from __future__ import annotations

RETENTION_LABELS = {"permanent": "永久", "30y": "30年", "10y": "10年"}
RETENTION_YEARS = {"permanent": None, "30y": 30, "10y": 10}
# Persons dealt with, or a case opened: kept permanently; referrals 30 years; the rest 10.
PERMANENT_OUTCOMES = frozenset({"accountability", "sanction", "org_handling", "case_opened"})


def retention_for(outcomes: set[str], kinds: set[str]) -> str:
    if outcomes & PERMANENT_OUTCOMES:
        return "permanent"
    if "refer" in kinds:
        return "30y"
    return "10y"


def secrecy_for(channel: str, kinds: set[str]) -> str:
    """Discipline matters and referrals are 秘密 (inspection secrets, seeds/000); else 内部."""
    if channel == "discipline" or "refer" in kinds:
        return "秘密"
    return "内部"
