"""An office with every role, and clues with reporters waiting for review."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import func, select

from hub.accounts.service import add_user
from hub.db.models import Clue
from tests.support import factories

PASSWORD = "correct-horse-9"
USERS = [("li", "李科员", "reviewer"), ("wang", "王科长", "section_head"),
         ("zhao", "赵领导", "leader"), ("qian", "钱领导", "leader"), ("audit", "审计员", "auditor")]


def wait_for_review(hub, n: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with hub.uow(write=False) as uow:
            done = uow.session.scalar(select(func.count()).select_from(Clue)
                                      .where(Clue.status == "pending_review"))
        if done >= n:
            return
        time.sleep(0.1)
    raise AssertionError(f"only {done} of {n} clues reached review")


@pytest.fixture
def office(hub, agencies):
    """Users of every role; two court clues, the second from the same reporter."""
    with hub.uow() as uow:
        for username, name, role in USERS:
            add_user(uow.session, username=username, display_name=name, role=role,
                     password=PASSWORD)
        uow.commit()
    _, court = agencies.add("十堰市中级人民法院", "court")
    client = agencies.client(court)
    first = client.post("/api/v1/clues", json=factories.clue()).json()["id"]
    second = client.post("/api/v1/clues", json=factories.clue(
        title="郧西县交通运输局未履行生效判决",
        reporter={"name": "张三", "phone": "138-1234-5678", "anonymous": False})).json()["id"]
    wait_for_review(hub, 2)
    return {"url": agencies.base_url, "first": first, "second": second, "court": court}


def office_client(base_url: str, username: str) -> tuple[httpx.Client, str]:
    """An office API session: the client carries the cookie, the token goes in X-CSRF-Token."""
    client = httpx.Client(base_url=base_url, timeout=30)
    answer = client.post("/api/v1/office/session", json={"username": username,
                                                          "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client, answer.json()["csrf_token"]
