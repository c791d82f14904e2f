"""The escalation ladder: overdue past the first threshold goes to the section heads (督办),
past the second to the leaders (领导介入), each step once however often (and wherever) the job
runs; reminders and escalations also reach group chats through 企业微信 and 钉钉 robots, whose
signatures a loopback server checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from datetime import date

import pytest
from fastapi import FastAPI, Request
from sqlalchemy import select

from hub.accounts.models import OfficeUser
from hub.agencies.service import add_agency
from hub.collect.demo import serve_app
from hub.db.types import utcnow
from hub.handoffs.models import HandoffEvent
from hub.notify import robots
from hub.notify.models import Notification, RobotMessage
from hub.notify.reminders import run_reminders
from tests.notify.support import make_handoff
from tests.support.live import free_port

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DING_TOKEN = "a1b2c3d4"
DING_SECRET = "SEC0123456789abcdef"


@dataclass
class RobotServer:
    """Answers as 企业微信 and 钉钉 do; refuses a wrong key or signature the way they do."""

    received: list[tuple[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/cgi-bin/webhook/send")
        async def wecom(request: Request) -> dict:
            if request.query_params.get("key") != WECOM_KEY:
                return self._refuse("wecom", {"errcode": 93000, "errmsg": "invalid webhook url"})
            return self._take("wecom", await request.json())

        @app.post("/robot/send")
        async def dingtalk(request: Request) -> dict:
            q = request.query_params
            stamp = q.get("timestamp", "0")
            expected = base64.b64encode(hmac.new(DING_SECRET.encode(),
                                                 f"{stamp}\n{DING_SECRET}".encode(),
                                                 hashlib.sha256).digest()).decode()
            if (q.get("access_token") != DING_TOKEN or abs(time.time() * 1000 - int(stamp)) > 3600_000
                    or not hmac.compare_digest(q.get("sign", ""), expected)):
                return self._refuse("dingtalk", {"errcode": 310000, "errmsg": "sign not match"})
            return self._take("dingtalk", await request.json())

        return app

    def _take(self, platform: str, payload: dict) -> dict:
        assert payload["msgtype"] == "text"
        with self.lock:
            self.received.append((platform, payload["text"]["content"]))
        return {"errcode": 0, "errmsg": "ok"}

    def _refuse(self, platform: str, answer: dict) -> dict:
        with self.lock:
            self.refused.append(platform)
        return answer


@pytest.fixture
def server():
    made = RobotServer()
    port = free_port()
    running = serve_app(f"robots-{port}", made.app(), port)
    made.url = f"http://127.0.0.1:{port}"
    yield made
    running.stop()


@pytest.fixture
def office(hub):
    with hub.uow() as uow:
        users = [OfficeUser(username=u, display_name=n, role=r, password_hash="-")
                 for u, n, r in (("li", "李科员", "reviewer"), ("zhao", "赵科长", "section_head"),
                                 ("wang", "王主任", "leader"))]
        uow.session.add_all(users)
        bureau, _ = add_agency(uow.session, name="郧西县自然资源和规划局", channel="other",
                               region_code="420322")
        uow.commit()
        return {u.username: u.id for u in users} | {"bureau": bureau.id}


def test_overdue_climbs_to_the_section_head_then_a_leader_once_each_and_reaches_the_groups(
        hub, office, server):
    with hub.uow() as uow:
        robots.add_robot(uow.session, hub.cipher, name="自然资源局工作群", platform="wecom",
                         url=f"{server.url}/cgi-bin/webhook/send?key={WECOM_KEY}",
                         agency_id=office["bureau"])
        robots.add_robot(uow.session, hub.cipher, name="督察科", platform="dingtalk",
                         url=f"{server.url}/robot/send?access_token={DING_TOKEN}",
                         secret=DING_SECRET, section="督察科", kinds=["escalate", "leader"])
        robots.add_robot(uow.session, hub.cipher, name="配错密钥的群", platform="dingtalk",
                         url=f"{server.url}/robot/send?access_token={DING_TOKEN}",
                         secret="SECwrong", section="综合科", kinds=["leader"])
        uow.commit()
    handoff = make_handoff(hub, office["bureau"], state="acknowledged",
                           reply_due_on=date(2026, 10, 13), created_by=office["li"])
    steps = []
    days = [date(2026, 10, d) for d in (14, 15, 16, 19, 20, 21, 22, 23, 26, 27, 28, 29)]
    for day in days:
        runs = [threading.Thread(target=lambda d=day: steps.extend(
            (d.isoformat(), kind, late) for _, _, kind, late in run_reminders(hub, d, utcnow()).sent
            if kind in ("escalate", "leader"))) for _ in range(2)]  # two schedulers at once
        for t in runs:
            t.start()
        for t in runs:
            t.join()
    assert steps == [("2026-10-19", "escalate", 4), ("2026-10-28", "leader", 11)]

    with hub.uow(write=False) as uow:
        events = list(uow.session.scalars(select(HandoffEvent).where(
            HandoffEvent.handoff_id == handoff, HandoffEvent.action == "escalate")))
        told = {(n.user_id, n.kind) for n in uow.session.scalars(select(Notification))}
        leader_titles = list(uow.session.scalars(select(Notification.title).where(
            Notification.user_id == office["wang"])))
    assert [e.detail["reminder"] for e in events] == ["escalate", "leader"]
    assert (office["zhao"], "escalation") in told and (office["wang"], "leader_escalation") in told
    assert leader_titles == [f"领导介入：JB-2026-{handoff:06d} 初步反馈逾期 11 个工作日"]

    first = robots.send_due(hub)
    assert robots.send_due(hub) == {}  # nothing twice
    wecom = [text for platform, text in server.received if platform == "wecom"]
    ding = [text for platform, text in server.received if platform == "dingtalk"]
    assert len(wecom) == len(days) + 2 and sum("逾期催办" in t for t in wecom) == len(days)
    assert sum(t.startswith("【领导介入") for t in wecom) == 1
    assert sum(t.startswith("【督办") for t in wecom) == 1
    assert len(ding) == 2 and ding[0].startswith("【督办") and ding[1].startswith("【领导介入")
    assert first == {"sent": len(days) + 4, "pending": 1} and server.refused == ["dingtalk"]
    with hub.uow(write=False) as uow:
        failing = uow.session.scalar(select(RobotMessage).where(RobotMessage.state == "pending"))
    assert failing.last_error.startswith("errcode 310000") and failing.attempts == 1


def test_a_robot_is_refused_in_plain_words_when_misconfigured(hub, office):
    from hub.errors import InvalidInput

    with hub.uow() as uow, pytest.raises(InvalidInput) as refused:
        robots.add_robot(uow.session, hub.cipher, name="x", platform="dingtalk",
                         url="https://oapi.dingtalk.com/robot/send", section="督察科")
    messages = {tuple(e.loc): e.msg for e in refused.value.errors}
    assert "access_token" in messages[("url",)] and "加签密钥" in messages[("secret",)]
    signed = robots.signed_url("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t",
                               "SECabc", 1700000000000)
    assert signed.startswith("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign=")
