"""Office users: create, log in (argon2), sessions that can be ended one or all at once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy.orm import Session

from hub import audit
from hub.accounts import repository
from hub.accounts.models import OfficeUser, WebSession
from hub.db.types import utcnow
from hub.errors import Conflict, FieldError, InvalidInput, NotFound, Unauthorized

ROLES = {
    "reviewer": "科员", "section_head": "科长", "leader": "领导", "auditor": "审计", "admin": "管理员",
}
REVIEW_ROLES = frozenset({"reviewer", "section_head", "leader"})
SESSION_HOURS = 10
if TYPE_CHECKING:
    from hub.container import Hub

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verifying against this keeps a login for an unknown user as slow as for a known one.
    Made on first use: an argon2 hash costs half a second every `hub` command would pay."""
    return _hasher.hash("not a password")


@dataclass(frozen=True)
class OfficePrincipal:
    user_id: int
    username: str
    display_name: str
    role: str
    session_id: str
    csrf_token: str

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def can_review(self) -> bool:
        return self.role in REVIEW_ROLES


def add_user(session: Session, *, username: str, display_name: str, role: str,
             password: str) -> OfficeUser:
    if role not in ROLES:
        raise InvalidInput([FieldError(["role"], f"角色应为以下之一：{', '.join(ROLES)}")])
    if len(password) < 10:
        raise InvalidInput([FieldError(["password"], "密码至少 10 个字符")])
    if repository.user_by_name(session, username):
        raise Conflict(f"用户名 {username} 已存在")
    user = OfficeUser(username=username, display_name=display_name, role=role,
                      password_hash=_hasher.hash(password), created_at=utcnow())
    session.add(user)
    session.flush()
    return user


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(session: Session, username: str, password: str, ip: str | None,
          via: str = "page") -> tuple[str, OfficeUser]:
    """A new session (never a reused one: no fixation) for a correct password."""
    if "\x00" in username:  # no such user can exist; PostgreSQL would refuse the query
        username = ""
    user = repository.user_by_name(session, username)
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerifyMismatchError, InvalidHashError):
        user = None
    if user is None or not user.active:
        raise Unauthorized("用户名或密码错误")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(WebSession(id=_sha(token), user_id=user.id, csrf_token=secrets.token_urlsafe(24),
                           created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS), ip=ip))
    audit.record(session, actor=f"user:{user.id}", action="login", target=f"user:{user.id}",
                 via=via, ip=ip, at=now, after={"username": user.username, "role": user.role})
    return token, user


def record_failed_login(hub: Hub, username: str, ip: str | None, via: str) -> None:
    """A refused login, in its own transaction (the login's own one was rolled back)."""
    with hub.uow() as uow:
        audit.record(uow.session, actor="system", action="login.failed", via=via, ip=ip,
                     after={"username": username[:64]})
        uow.commit()


def principal(session: Session, token: str | None, now: datetime) -> OfficePrincipal:
    if not token:
        raise Unauthorized("请先登录")
    row = repository.session_with_user(session, _sha(token))
    if row is None or row.WebSession.revoked_at or row.WebSession.expires_at <= now \
            or not row.OfficeUser.active:
        raise Unauthorized("登录已失效，请重新登录")
    user, web = row.OfficeUser, row.WebSession
    return OfficePrincipal(user.id, user.username, user.display_name, user.role, web.id,
                           web.csrf_token)


def logout(session: Session, session_id: str, *, user_id: int | None = None, via: str = "page",
           ip: str | None = None) -> None:
    repository.revoke(session, session_id, utcnow())
    actor = f"user:{user_id}" if user_id else "system"
    audit.record(session, actor=actor, action="logout", target=f"user:{user_id}" if user_id else None,
                 via=via, ip=ip)


def logout_everywhere(session: Session, user_id: int, *, via: str = "cli",
                      ip: str | None = None) -> int:
    ended = repository.revoke_all(session, user_id, utcnow())
    actor = f"user:{user_id}" if via != "cli" else "system"
    audit.record(session, actor=actor, action="logout.everywhere", target=f"user:{user_id}",
                 via=via, ip=ip, after={"sessions_ended": ended})
    return ended


def get_user(session: Session, username: str) -> OfficeUser:
    user = repository.user_by_name(session, username)
    if user is None:
        raise NotFound(f"没有用户 {username}")
    return user
