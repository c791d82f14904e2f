"""成果共享 through the outbox: the agency that sent a clue hears `clue.updated`, signed like
hand-off events; a pulled 12345 ticket gets the verified outcome written back, retried after
failures that the office sees in `hub webhooks failed`, and held exactly once."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from connectors.registry import CONNECTORS
from hub.collect.config import configure
from hub.collect.service import connector_agency, connector_spec
from hub.collect.writeback import write_back
from hub.container import Hub
from hub.db.models import Clue, ClueEvent
from hub.db.types import utcnow
from hub.handoffs.models import Handoff
from hub.handoffs.replies import add_reply
from hub.handoffs.schemas import ReplySubmission
from hub.handoffs.service import apply
from hub.notify.dispatch import Dispatcher
from hub.notify.models import WebhookDelivery
from hub.notify.webhooks import set_webhook
from tests.conftest import make_settings
from tests.notify.support import Receiver, cli, make_handoff
from tests.support.live import free_port


@pytest.fixture
def fast_hub(backend, tmp_path) -> Iterator[Hub]:
    """A hub that gives up on a delivery quickly: 3 attempts, no wait between them."""
    from hub.security.keyring import create_keyring

    settings = make_settings(backend, tmp_path, webhook_max_attempts=3,
                             webhook_backoff_seconds=0.0, webhook_timeout_seconds=2.0)
    create_keyring(settings.keyring_path)
    made = Hub.from_settings(settings)
    yield made
    made.close()


@pytest.fixture
def serve():
    from hub.collect.demo import serve_app

    started = []

    def start(app) -> str:  # noqa: ANN001
        port = free_port()
        started.append(serve_app(f"loop-{port}", app, port))
        return f"http://127.0.0.1:{port}"

    yield start
    for server in started:
        server.stop()


def _tick(hub: Hub) -> dict:
    """What the scheduler's jobs do: replies owed onto pulled records into the outbox
    (hub.collect), then the dispatcher fills and sends (hub.notify)."""
    write_back(hub)
    dispatcher = Dispatcher(hub)
    try:
        return dispatcher.tick()
    finally:
        dispatcher.close()


def _agency(hub: Hub, name: str, url: str | None = None) -> int:
    from hub.agencies.service import add_agency

    with hub.uow() as uow:
        agency, _ = add_agency(uow.session, name=name, channel="court", region_code="420300")
        if url:
            set_webhook(uow.session, agency.id, url, utcnow())
        uow.commit()
        return agency.id


def _sent_by(hub: Hub, handoff_id: int, sender: int, source_ref: str | None = None) -> None:
    """The clue behind the hand-off was sent by `sender` (make_handoff gives it the receiver)."""
    with hub.uow() as uow:
        clue = uow.session.get(Clue, uow.session.get(Handoff, handoff_id).clue_id)
        clue.agency_id = sender
        if source_ref:
            clue.source_ref = source_ref
        uow.commit()


def _act(hub: Hub, handoff_id: int, action: str, actor: str, **detail) -> None:
    with hub.uow() as uow:
        apply(uow.session, uow.session.get(Handoff, handoff_id), action, actor=actor,
              via="api", **detail)
        uow.commit()


def _answer_and_verify(hub: Hub, handoff_id: int, receiver: int) -> None:
    with hub.uow() as uow:
        handoff = uow.session.get(Handoff, handoff_id)
        reply, _ = add_reply(uow.session, handoff, ReplySubmission.model_validate({
            "final": True, "text": "已责令改正，并对两名责任人给予处分。",
            "outcome": {"kind": "sanction", "people": [
                {"name": "王建军", "kind": "government_sanction", "measure": "demerit"},
                {"name": "刘明", "kind": "party_discipline", "measure": "warning"}]}}),
            actor=f"agency:{receiver}", via="api", cipher=hub.cipher)
        apply(uow.session, handoff, "verify", actor="user:li", via="page", reply_id=reply.id,
              outcome="sanction")
        apply(uow.session, handoff, "close", actor="user:li", via="page")
        uow.commit()


def test_the_sender_hears_clue_updated_signed_and_never_the_receivers_data(hub, serve):
    receiver = Receiver(public_raw_b64=base64.b64encode(hub.signing_key.public_raw).decode())
    url = serve(receiver.app()) + "/hook"
    court = _agency(hub, "十堰市中级人民法院", url)
    bureau = _agency(hub, "郧西县自然资源和规划局")
    handoff = make_handoff(hub, bureau)
    _sent_by(hub, handoff, court)
    _act(hub, handoff, "acknowledge", f"agency:{bureau}")
    with hub.uow() as uow:  # the office's own steps on the clue are not the sender's to hear
        clue_id = uow.session.get(Handoff, handoff).clue_id
        uow.session.add(ClueEvent(clue_id=clue_id, at=utcnow(), actor="user:li",
                                  action="subject_set", detail={}))
        uow.commit()

    _tick(hub)
    assert len(receiver.received) == 1 and receiver.received[0]["problem"] is None
    got = receiver.received[0]
    body = json.loads(got["body"])
    assert got["headers"]["x-hub-event"] == body["event"] == "clue.updated"
    assert body["action"] == "handoff.acknowledge"
    assert [(h["status"], h["receiver"]) for h in body["clue"]["handoffs"]] == [
        ("acknowledged", "郧西县自然资源和规划局")]
    assert "instructions" not in body["clue"]["handoffs"][0] and body["clue"]["outcome"] is None

    _answer_and_verify(hub, handoff, bureau)
    _tick(hub)
    bodies = {json.loads(r["body"])["action"]: json.loads(r["body"]) for r in receiver.received}
    # Sent several at once, so in any order: one each.
    assert len(receiver.received) == 5 and set(bodies) == {
        "handoff.acknowledge", "handoff.reply_final", "handoff.verify", "handoff.close", "closed"}
    assert all(r["problem"] is None for r in receiver.received)
    outcome = bodies["closed"]["clue"]["outcome"]
    assert (outcome["kind"], outcome["persons"]) == ("sanction", 2)
    assert [p["name"] for p in outcome["people"]] == ["王**", "刘*"]
    assert all("王建军" not in r["body"].decode() for r in receiver.received)
    _tick(hub)
    assert len(receiver.received) == 5  # each event once


def test_a_ticket_reply_that_fails_is_listed_retried_and_held_once(fast_hub, serve):
    hub = fast_hub
    app = CONNECTORS["hotline"].simulator(seed=4, total=10, page_size=10)
    sim = serve(app)
    ticket = httpx.get(f"{sim}/records").json()["records"][0]["工单编号"].strip()
    configure(hub, "hotline", url=sim)
    hotline = connector_agency(hub, connector_spec("hotline"))
    bureau = _agency(hub, "郧西县市场监督管理局")
    handoff = make_handoff(hub, bureau)
    _sent_by(hub, handoff, hotline, source_ref=ticket)
    httpx.post(f"{sim}/_faults", json={"status": 503, "count": 3})

    _answer_and_verify(hub, handoff, bureau)
    for _ in range(3):
        _tick(hub)
    with hub.uow(write=False) as uow:
        (delivery,) = uow.session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.event == "ticket.reply"))
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("failed", 3, 503)
    assert delivery.target_url == f"{sim}/records/{ticket}/replies"
    assert httpx.get(f"{sim}/records/{ticket}/replies").json()["replies"] == []

    failed = cli(hub.settings, "webhooks", "failed", "--json")
    rows = json.loads(failed.output)
    assert [(r["event"], r["agency"], r["last_status"]) for r in rows] == [
        ("ticket.reply", "12345政务服务便民热线", 503)]
    assert rows[0]["handoff"].startswith("XS-")
    _the_office_sees_it_failed(hub, rows[0]["handoff"])

    assert cli(hub.settings, "webhooks", "retry", "--all").exit_code == 0
    for _ in range(3):
        _tick(hub)
    held = httpx.get(f"{sim}/records/{ticket}/replies").json()["replies"]
    assert len(held) == 1 and held[0]["body"]["办理结果"] == "党纪政务处分"
    assert held[0]["delivery"] == delivery.delivery_id
    with hub.uow(write=False) as uow:
        states = list(uow.session.scalars(select(WebhookDelivery.state).where(
            WebhookDelivery.event == "ticket.reply")))
    assert states == ["delivered"]


def _the_office_sees_it_failed(hub: Hub, clue: str) -> None:
    """推送失败 (/office/webhooks) lists the ticket reply with its clue, for a section head."""
    from hub.accounts.service import add_user
    from tests.support.live import LiveHub

    with hub.uow() as uow:
        add_user(uow.session, username="zhao", display_name="赵科长", role="section_head",
                 password="correct-horse-9")
        uow.commit()
    with LiveHub(hub, workers=0, with_scheduler=False) as live, \
            httpx.Client(base_url=live.url, timeout=30) as office:
        office.post("/api/v1/office/session", json={"username": "zhao",
                                                    "password": "correct-horse-9"})
        page = office.get("/office/webhooks")
    assert page.status_code == 200
    assert "办理结果回复" in page.text and clue in page.text and "HTTP 503" in page.text
