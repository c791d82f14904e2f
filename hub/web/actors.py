"""Who did it, by name: the actors of histories, timelines and the audit trail ("user:li",
"user:3", "agency:2", "system") as people and agencies are called."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hub.accounts import repository as accounts
from hub.agencies import repository as agencies

SYSTEM = "系统"


def actor_names(session: Session) -> dict[str, str]:
    """actor → name: office users by username and by id (their display name), partner
    agencies by id (their name), the system."""
    names = {"system": SYSTEM}
    for user in accounts.users(session):
        names[f"user:{user.username}"] = names[f"user:{user.id}"] = user.display_name
    for agency_id, name in agencies.agency_names(session):
        names[f"agency:{agency_id}"] = name
    return names
