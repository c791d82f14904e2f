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
PASSWORD_MIN = 10
LOCK_AFTER = 5  # wrong passwords in a row
LOCK_MINUTES = 30
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


def check_password(password: str) -> None:
    """The one password rule, for the pages and the command line alike."""
    if len(password) < PASSWORD_MIN:
        raise InvalidInput([FieldError(["password"], f"密码至少 {PASSWORD_MIN} 个字符"
                                       f"（现为 {len(password)} 个）")])


def check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput([FieldError(["role"], f"角色应为以下之一：{', '.join(ROLES)}")])


def add_user(session: Session, *, username: str, display_name: str, role: str,
             password: str) -> OfficeUser:
    check_role(role)
    username, display_name = username.strip(), display_name.strip()
    if not username or len(username) > 64 or "\x00" in username:
        raise InvalidInput([FieldError(["username"], "用户名应为 1–64 个字符")])
    if not display_name or len(display_name) > 64:
        raise InvalidInput([FieldError(["display_name"], "姓名应为 1–64 个字符")])
    check_password(password)
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
    now = utcnow()
    locked = user is not None and is_locked(user, now)
    try:  # verified even when locked: the answer takes as long, and says nothing of the password
        _hasher.verify(user.password_hash if user and not locked else _dummy_hash(), password)
    except (VerifyMismatchError, InvalidHashError):
        if not locked:
            user = None
    if locked:
        raise Unauthorized(f"连续 {LOCK_AFTER} 次密码错误，账号已锁定至 "
                           f"{_beijing(user.locked_until)}（北京时间），或请管理员解锁")
    if user is None or not user.active:
        raise Unauthorized("用户名或密码错误")
    user.failed_logins, user.locked_until = 0, None
    token = secrets.token_urlsafe(32)
    session.add(WebSession(id=_sha(token), user_id=user.id, csrf_token=secrets.token_urlsafe(24),
                           created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS), ip=ip))
    audit.record(session, actor=f"user:{user.id}", action="login", target=f"user:{user.id}",
                 via=via, ip=ip, at=now, after={"username": user.username, "role": user.role})
    return token, user


def _beijing(when: datetime) -> str:
    from zoneinfo import ZoneInfo

    return when.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")


def record_failed_login(hub: Hub, username: str, ip: str | None, via: str) -> None:
    """A refused login, in its own transaction (the login's own one was rolled back); the
    account's count of wrong passwords in a row, and its lock at LOCK_AFTER."""
    with hub.uow() as uow:
        after: dict = {"username": username[:64]}
        user = None if "\x00" in username else repository.user_by_name(uow.session, username)
        if user is not None:
            now = utcnow()
            if user.locked_until is None or user.locked_until <= now:
                user.failed_logins = (user.failed_logins or 0) + 1
                if user.failed_logins >= LOCK_AFTER:
                    user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
                    after["locked_until"] = user.locked_until.isoformat()
        audit.record(uow.session, actor="system", action="login.failed", via=via, ip=ip,
                     after=after)
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


def list_users(session: Session) -> list[OfficeUser]:
    return sorted(repository.users(session), key=lambda user: user.id)


def find_user(session: Session, ref: str | int) -> OfficeUser:
    """By id (a number) or username."""
    if isinstance(ref, int) or str(ref).isdigit():
        user = repository.user_by_id(session, int(ref))
        if user is not None:
            return user
    return get_user(session, str(ref))


def _change(session: Session, user: OfficeUser, action: str, actor: str, via: str,
            ip: str | None, before: dict | None, after: dict | None) -> OfficeUser:
    audit.record(session, actor=actor, action=f"user.{action}", target=f"user:{user.id}",
                 via=via, ip=ip, before=before, after={"username": user.username, **(after or {})})
    return user


def set_role(session: Session, user: OfficeUser, role: str, *, actor: str, via: str,
             ip: str | None = None) -> OfficeUser:
    check_role(role)
    if actor == f"user:{user.id}" and role != user.role:
        raise Conflict("不能修改自己的角色（请另一位管理员修改）")
    before = user.role
    user.role = role
    return _change(session, user, "role_changed", actor, via, ip, {"role": before}, {"role": role})


def set_active(session: Session, user: OfficeUser, active: bool, *, actor: str, via: str,
               ip: str | None = None) -> OfficeUser:
    """Disable (every session ends with it) or enable again. An administrator cannot disable
    themselves: the office would be left without its last way in."""
    if not active and actor == f"user:{user.id}":
        raise Conflict("不能停用自己的账号")
    user.active = active
    if not active:
        logout_everywhere(session, user.id, via=via, ip=ip)
    return _change(session, user, "enabled" if active else "disabled", actor, via, ip,
                   None, {"active": active})


def reset_password(session: Session, user: OfficeUser, password: str, *, actor: str, via: str,
                   ip: str | None = None) -> OfficeUser:
    """A new password; the user's sessions end, and a lock from wrong passwords is lifted."""
    check_password(password)
    user.password_hash = _hasher.hash(password)
    user.failed_logins, user.locked_until = 0, None
    logout_everywhere(session, user.id, via=via, ip=ip)
    return _change(session, user, "password_reset", actor, via, ip, None, None)


def unlock(session: Session, user: OfficeUser, *, actor: str, via: str,
           ip: str | None = None) -> OfficeUser:
    before = {"failed_logins": user.failed_logins,
              "locked_until": user.locked_until.isoformat() if user.locked_until else None}
    user.failed_logins, user.locked_until = 0, None
    return _change(session, user, "unlocked", actor, via, ip, before, None)


def is_locked(user: OfficeUser, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now
