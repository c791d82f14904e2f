"""The office at work: users, clues from three channels of which two report one problem."""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from hub.accounts.service import add_user
from hub.db.models import Clue
from hub.db.types import utcnow
from hub.directory.service import ensure_seeded
from tests.support import factories

PASSWORD = "correct-horse-9"
CASE = "(2023)鄂0322行初15号"


def add_users(hub) -> None:  # noqa: ANN001
    """The office's users, and the demo directory of bodies."""
    with hub.uow() as uow:
        ensure_seeded(uow.session, now=utcnow())
        for username, name, role in (("li", "李科员", "reviewer"), ("audit", "审计员", "auditor"),
                                     ("admin", "王管理员", "admin")):
            add_user(uow.session, username=username, display_name=name, role=role,
                     password=PASSWORD)
        uow.commit()


def send_clues(hub, agencies) -> dict[str, str]:  # noqa: ANN001
    """A court judgment and a 12345 call naming the same case; an unrelated petition; a call
    about a body the directory does not know. Returns their clue numbers by name."""
    _, court = agencies.add("十堰市中级人民法院", "court")
    _, hotline = agencies.add("十堰市12345热线", "hotline")
    _, petition = agencies.add("十堰市信访局", "petition")
    numbers = {}
    numbers["court"] = _send(agencies, court, factories.clue())
    numbers["hotline"] = _send(agencies, hotline, factories.clue(
        channel="hotline", title="郧西县自然资源和规划局被判撤销的罚款还没退",
        content=f"来电人反映：{CASE}判决已撤销郧西县自然资源和规划局的行政处罚，"
                "但罚款至今没有退还，要求督促履行判决。",
        references=[{"kind": "case_number", "value": CASE}]))
    numbers["petition"] = _send(agencies, petition, factories.clue(
        channel="petition", title="竹山县城管执法人员按指标罚款",
        content="信访人反映竹山县城管执法人员每月有罚款指标，对摊贩一律罚款。",
        subjects=[{"name": "竹山县城市管理执法局"}], references=[]))
    numbers["unknown"] = _send(agencies, hotline, factories.clue(
        channel="hotline", title="某管委会拖欠工程款",
        content="来电人反映某开发区管委会拖欠工程款两年。",
        subjects=[{"name": "星河新区建设管委会"}], references=[]))
    wait_pending(hub, 4)
    return numbers


def _send(agencies, key: str, clue: dict) -> str:  # noqa: ANN001
    answer = agencies.client(key).post("/api/v1/clues", json=clue)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def wait_pending(hub, count: int) -> None:  # noqa: ANN001
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with hub.uow(write=False) as uow:
            n = uow.session.scalar(select(func.count()).select_from(Clue)
                                   .where(Clue.status == "pending_review"))
        if n == count:
            return
        time.sleep(0.1)
    raise AssertionError(f"{n} clues pending review, expected {count}")


def login(page, base: str, username: str = "li") -> None:  # noqa: ANN001
    page.goto(f"{base}/office/queue")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/office/queue"))
