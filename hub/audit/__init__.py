"""The audit trail (审计记录): one append-only, hash-chained log of who did what, when and from where.

`record(session, actor=..., action=..., ...)` appends inside the caller's transaction; the
chain head is signed with the hub's Ed25519 key; `hub audit verify` checks it all.
"""

from hub.audit.service import agency_actor, cli_actor, record, user_actor

__all__ = ["agency_actor", "cli_actor", "record", "user_actor"]
