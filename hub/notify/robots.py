"""Group chat robots (群机器人) that reminders and escalations are posted to: 企业微信 (WeCom)
and 钉钉 (DingTalk), configured per partner agency (its hand-offs) and per office section
(every hand-off), each for the kinds it wants (before, overdue, escalate, leader).

A message row is inserted in the transaction that records the reminder (so exactly once,
however many schedulers run), then posted by the `robots` job with retries:

- WeCom: POST the robot's URL (`…/cgi-bin/webhook/send?key=KEY`), body
  {"msgtype": "text", "text": {"content": …}}; the answer's `errcode` 0 means delivered.
- DingTalk: POST the robot's URL (`…/robot/send?access_token=TOKEN`) with `&timestamp=<ms>
  &sign=<urlencoded base64(HMAC-SHA256(secret, "<ms>\\n<secret>"))>`, the same body shape.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import httpx
from sqlalchemy.orm import Session

from hub.errors import FieldError, InvalidInput
from hub.handoffs.models import Handoff
from hub.notify import repository
from hub.notify.models import GroupRobot
from hub.security.crypto import Cipher

PLATFORMS = {"wecom": "企业微信", "dingtalk": "钉钉"}
KINDS = {"before": "到期前提醒", "overdue": "逾期催办", "escalate": "督办", "leader": "领导介入"}
MAX_ATTEMPTS = 6
CLAIM_SECONDS = 120.0


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: base64(HMAC-SHA256(key=secret, "<timestamp>\\n<secret>"))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_url(platform: str, url: str, secret: str | None, timestamp_ms: int) -> str:
    if platform != "dingtalk" or not secret:
        return url
    sign = quote_plus(dingtalk_sign(secret, timestamp_ms))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"


def body(text: str) -> dict[str, Any]:
    """Both platforms take the same plain-text message."""
    return {"msgtype": "text", "text": {"content": text}}


def check(platform: str, url: str, secret: str | None, kinds: list[str],
          agency_id: int | None, section: str | None) -> None:
    errors = []
    if platform not in PLATFORMS:
        errors.append(FieldError(["platform"], "机器人类型应为 wecom（企业微信）或 dingtalk（钉钉）"))
    parts = urlsplit(url or "")
    query = parse_qs(parts.query)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        errors.append(FieldError(["url"], "机器人地址应为 http:// 或 https:// 开头的完整地址"))
    elif platform == "wecom" and "key" not in query:
        errors.append(FieldError(["url"], "企业微信机器人地址应带 key 参数（…/webhook/send?key=…）"))
    elif platform == "dingtalk" and "access_token" not in query:
        errors.append(FieldError(["url"], "钉钉机器人地址应带 access_token 参数"))
    if platform == "dingtalk" and not secret:
        errors.append(FieldError(["secret"], "钉钉机器人须填写加签密钥（SEC 开头）"))
    unknown = [k for k in kinds if k not in KINDS]
    if not kinds or unknown:
        errors.append(FieldError(["kinds"], f"推送内容应为以下一项或几项：{'、'.join(KINDS)}"))
    if (agency_id is None) == (section is None or not section.strip()):
        errors.append(FieldError(["agency"], "机器人应属于一个协作单位，或办公室的一个科室（二选一）"))
    if errors:
        raise InvalidInput(errors)


def _aad(robot_id: int, what: str) -> bytes:
    return f"group-robot:{robot_id}:{what}".encode()


def add_robot(session: Session, cipher: Cipher, *, name: str, platform: str, url: str,
              secret: str | None = None, kinds: list[str] | None = None,
              agency_id: int | None = None, section: str | None = None,
              now: datetime | None = None) -> GroupRobot:
    kinds = list(kinds or ["overdue", "escalate", "leader"])
    check(platform, url, secret, kinds, agency_id, section)
    robot = GroupRobot(name=name.strip() or PLATFORMS[platform], platform=platform,
                       agency_id=agency_id, section=(section or "").strip() or None,
                       url_enc=b"", kinds=kinds, active=True, **({"created_at": now} if now else {}))
    session.add(robot)
    session.flush()
    robot.url_enc = cipher.encrypt(url.encode(), _aad(robot.id, "url"))
    if secret:
        robot.secret_enc = cipher.encrypt(secret.encode(), _aad(robot.id, "secret"))
    session.flush()
    return robot


def remove_robot(session: Session, robot_id: int) -> bool:
    found = session.get(GroupRobot, robot_id)
    if found is None:
        return False
    found.active = False
    return True


def list_robots(session: Session) -> list[GroupRobot]:
    return repository.active_robots(session)


def queue_for_reminder(session: Session, handoff: Handoff, item: Any, title: str, text: str,
                       now: datetime) -> int:
    """Message rows for the robots that want this reminder (in its transaction)."""
    robots = repository.robots_for(session, handoff.agency_id)
    key = f"reminder:{handoff.id}:{item.deadline}:{item.kind}:{item.on_date.isoformat()}"
    made = 0
    for robot in robots:
        if item.kind not in robot.kinds:
            continue
        made += repository.insert_robot_message_once(session, dict(
            robot_id=robot.id, event_key=key, handoff_id=handoff.id, text=f"【{title}】\n{text}",
            state="pending", attempts=0, created_at=now, next_attempt_at=now))
    return made


def claim(session: Session, now: datetime, limit: int = 50) -> list[tuple[int, int, str, int]]:
    """Due messages for this process: (id, robot_id, text, attempts)."""
    stale = now - timedelta(seconds=CLAIM_SECONDS)
    rows = repository.claim_robot_messages(session, now, stale, limit)
    return sorted(tuple(r) for r in rows)  # in the order they were made


def post(client: httpx.Client, cipher: Cipher, robot: GroupRobot, text: str) -> str | None:
    """Send one message; None when the platform accepted it, else what went wrong."""
    url = cipher.decrypt(robot.url_enc, _aad(robot.id, "url")).decode()
    secret = (cipher.decrypt(robot.secret_enc, _aad(robot.id, "secret")).decode()
              if robot.secret_enc else None)
    try:
        response = client.post(signed_url(robot.platform, url, secret, int(time.time() * 1000)),
                               json=body(text))
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    try:
        answer = response.json()
    except ValueError:
        return "应答不是 JSON"
    if answer.get("errcode", 0) != 0:
        return f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:300]
    return None


def record(session: Session, message_id: int, attempts: int, error: str | None,
           now: datetime) -> str:
    if error is None:
        values: dict[str, Any] = {"state": "sent", "sent_at": now, "last_error": None}
    elif attempts >= MAX_ATTEMPTS:
        values = {"state": "failed", "last_error": error}
    else:
        values = {"state": "pending", "last_error": error,
                  "next_attempt_at": now + timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))}
    repository.set_robot_message(session, message_id, {"claimed_at": None, **values})
    return values["state"]


def send_due(hub: Any, now_fn: Any = None) -> dict[str, int]:
    """The periodic job: claim due messages, post each, record what happened."""
    from hub.db.types import utcnow

    now_fn = now_fn or utcnow
    with hub.uow() as uow:
        claimed = claim(uow.session, now_fn())
        uow.commit()
    counts: dict[str, int] = {}
    if not claimed:
        return counts
    with httpx.Client(timeout=httpx.Timeout(5.0, connect=3.0), trust_env=False,
                      follow_redirects=False) as client:
        for message_id, robot_id, text, attempts in claimed:
            with hub.uow(write=False) as uow:
                robot = uow.session.get(GroupRobot, robot_id)
                error = post(client, hub.cipher, robot, text)
            with hub.uow() as uow:
                state = record(uow.session, message_id, attempts, error, now_fn())
                uow.commit()
            counts[state] = counts.get(state, 0) + 1
    return counts
