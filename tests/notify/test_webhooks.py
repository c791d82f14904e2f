"""Hand-offs are pushed to agencies' webhooks: signed, retried, failed visibly, retried again."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator

import httpx
import orjson
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select

from hub.accounts.models import OfficeUser
from hub.collect.demo import serve_app
from hub.container import Hub
from hub.db.types import utcnow
from hub.notify import office
from hub.notify.dispatch import Dispatcher, list_failed
from hub.notify.models import WebhookAttempt, WebhookDelivery
from hub.notify.webhooks import set_webhook, webhook_urls
from tests.conftest import make_settings
from tests.notify.support import Receiver, add_event, cli, make_handoff
from tests.support.live import LiveHub, free_port


@pytest.fixture
def fast_hub(backend, tmp_path) -> Iterator[Hub]:
    """A hub that gives up on a webhook quickly: 3 attempts, no wait between them."""
    from hub.security.keyring import create_keyring

    settings = make_settings(backend, tmp_path, webhook_max_attempts=3, webhook_backoff_seconds=0.0,
                             webhook_timeout_seconds=1.0)
    create_keyring(settings.keyring_path)
    made = Hub.from_settings(settings)
    yield made
    made.close()


@pytest.fixture
def live(hub):
    """The API alone: the test sends (`_tick`), no scheduler races it."""
    with LiveHub(hub, workers=0, with_scheduler=False) as server:
        yield server


@pytest.fixture
def receivers():
    started = []

    def start(receiver: Receiver) -> str:
        port = free_port()
        started.append(serve_app(f"receiver-{port}", receiver.app(), port))
        return f"http://127.0.0.1:{port}/hook"

    yield start
    for server in started:
        server.stop()


def _agency(hub: Hub, name: str, url: str | None) -> int:
    from hub.agencies.service import add_agency

    with hub.uow() as uow:
        agency, _ = add_agency(uow.session, name=name, channel="court", region_code="420300")
        if url:
            set_webhook(uow.session, agency.id, url, utcnow())
        uow.commit()
        return agency.id


def _deliveries(hub: Hub) -> list[WebhookDelivery]:
    with hub.uow(write=False) as uow:
        return list(uow.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def _tick(hub: Hub) -> dict:
    dispatcher = Dispatcher(hub)
    try:
        return dispatcher.tick()
    finally:
        dispatcher.close()


def test_agency_webhook_command_checks_the_address(hub, settings):
    _agency(hub, "十堰市中级人民法院", None)
    bad = cli(settings, "agency", "webhook", "十堰市中级人民法院", "--url", "ftp://x")
    assert bad.exit_code == 2 and "回调地址应为 http:// 或 https:// 开头的完整网址" in bad.output
    assert cli(settings, "agency", "webhook", "十堰市中级人民法院").exit_code == 2
    made = cli(settings, "agency", "webhook", "十堰市中级人民法院", "--url", "https://fy.example.cn/h")
    assert made.exit_code == 0 and "签名公钥编号" in made.output
    gone = cli(settings, "agency", "webhook", "十堰市中级人民法院", "--remove")
    assert "已删除 十堰市中级人民法院 的回调地址" in gone.output
    with hub.uow(write=False) as uow:
        assert webhook_urls(uow.session) == {}


def test_public_key_is_published_without_credentials(hub, live):
    answer = httpx.get(f"{live.url}/api/v1/keys")
    assert answer.status_code == 200
    key = answer.json()["keys"][0]
    assert key["algorithm"] == "Ed25519" and key["key_id"] == hub.signing_key.key_id
    assert key["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert len(base64.b64decode(key["public_key_raw_b64"])) == 32


def test_new_handoff_is_pushed_once_signed_with_the_published_key(hub, live, receivers):
    public = httpx.get(f"{live.url}/api/v1/keys").json()["keys"][0]["public_key_raw_b64"]
    receiver = Receiver(public_raw_b64=public)
    court = _agency(hub, "十堰市中级人民法院", receivers(receiver))
    handoff = make_handoff(hub, court)

    counts = _tick(hub)
    assert counts["delivered"] == 1
    assert len(receiver.received) == 1 and receiver.received[0]["problem"] is None
    got = receiver.received[0]
    body = json.loads(got["body"])
    assert body["event"] == "handoff.created" and body["handoff"]["status"] == "sent"
    assert body["handoff"]["id"].startswith("JB-2026-")
    assert got["headers"]["x-hub-delivery"] == body["delivery_id"]
    # The signature covers timestamp + "." + body: another body does not verify.
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public))
    message = got["headers"]["x-hub-timestamp"].encode() + b"." + got["body"]
    key.verify(base64.b64decode(got["headers"]["x-hub-signature"]), message)
    with pytest.raises(InvalidSignature):
        key.verify(base64.b64decode(got["headers"]["x-hub-signature"]), message + b" ")

    _tick(hub)  # nothing new: nothing sent again
    assert len(receiver.received) == 1
    add_event(hub, handoff, "cancel", to_state="cancelled")
    _tick(hub)
    assert [json.loads(r["body"])["handoff"]["status"] for r in receiver.received] == [
        "sent", "cancelled"]
    (delivery, *_) = _deliveries(hub)
    assert delivery.state == "delivered" and delivery.attempts == 1


def test_the_receivers_own_actions_are_not_echoed_and_agencies_without_webhook_get_none(
        hub, receivers):
    receiver = Receiver()
    court = _agency(hub, "十堰市中级人民法院", receivers(receiver))
    quiet = _agency(hub, "郧西县人民检察院", None)
    handoff = make_handoff(hub, court)
    make_handoff(hub, quiet)
    add_event(hub, handoff, "acknowledge", actor=f"agency:{court}", to_state="acknowledged")
    _tick(hub)
    assert [json.loads(r["body"])["action"] for r in receiver.received] == ["create"]
    assert len(_deliveries(hub)) == 1


def test_dead_receiver_fails_after_the_last_attempt_while_others_get_theirs(fast_hub, receivers):
    hub = fast_hub
    with hub.uow() as uow:
        admin = OfficeUser(username="wang", display_name="王管理员", role="admin", password_hash="-")
        uow.session.add(admin)
        uow.commit()
        admin = admin.id
    alive = Receiver()
    court = _agency(hub, "十堰市中级人民法院", receivers(alive))
    dead = _agency(hub, "郧西县人民检察院", f"http://127.0.0.1:{free_port()}/hook")  # nobody listens
    make_handoff(hub, court)
    make_handoff(hub, dead)

    for _ in range(4):
        _tick(hub)
    states = {d.agency_id: (d.state, d.attempts) for d in _deliveries(hub)}
    assert states == {court: ("delivered", 1), dead: ("failed", 3)}
    with hub.uow(write=False) as uow:
        failed = list_failed(uow.session)
        attempts = uow.session.scalar(select(func.count()).select_from(WebhookAttempt))
    assert [name for _, name in failed] == ["郧西县人民检察院"]
    assert attempts == 4  # one for the court, three for the dead receiver
    assert failed[0][0].last_status is None and "ConnectError" in failed[0][0].last_error
    with hub.uow(write=False) as uow:  # the administrator hears of it
        (note,) = office.list_for(uow.session, admin)
    assert note.title.startswith("推送失败：郧西县人民检察院 JB-2026-") and note.link == "/office/webhooks"

    listed = cli(hub.settings, "webhooks", "failed")
    assert "郧西县人民检察院" in listed.output and "尝试 3 次  无应答" in listed.output
    assert "共 1 条推送失败" in listed.output

    # The receiver comes back (a new address); the office retries; it goes through.
    revived = Receiver()
    moved = cli(hub.settings, "agency", "webhook", "郧西县人民检察院", "--url", receivers(revived))
    assert moved.exit_code == 0 and "的移交将推送到 http://127.0.0.1:" in moved.output
    assert cli(hub.settings, "webhooks", "retry", "--all").output.strip() == "已重新排队 1 条推送"
    _tick(hub)
    assert len(revived.received) == 1
    assert {d.agency_id: d.state for d in _deliveries(hub)} == {court: "delivered",
                                                               dead: "delivered"}


def test_a_slow_receiver_times_out_without_holding_up_the_others(fast_hub, receivers):
    hub = fast_hub
    slow = Receiver(delay=2.5)  # well past the 1 s timeout
    fast = [Receiver() for _ in range(4)]
    slow_id = _agency(hub, "慢单位", receivers(slow))
    fast_ids = [_agency(hub, f"快单位{i}", receivers(r)) for i, r in enumerate(fast)]
    for agency in [slow_id, *fast_ids]:
        make_handoff(hub, agency)
    counts = _tick(hub)
    assert counts["delivered"] == 4 and counts["pending"] == 1
    assert all(len(r.received) == 1 for r in fast)
    with hub.uow(write=False) as uow:
        slow_try = uow.session.scalar(select(WebhookAttempt).join(WebhookDelivery).where(
            WebhookDelivery.agency_id == slow_id))
    assert slow_try.status is None and "Timeout" in slow_try.error


def test_two_dispatchers_at_once_send_each_delivery_once(hub, settings, receivers):
    receiver = Receiver()
    agencies = [_agency(hub, f"单位{i}", receivers(receiver)) for i in range(3)]
    for i in range(30):
        make_handoff(hub, agencies[i % 3])
    second = Hub.from_settings(settings)
    try:
        threads = [threading.Thread(target=_tick, args=(h,)) for h in (hub, second, hub, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        _tick(hub)
    finally:
        second.close()
    sent = receiver.deliveries()
    assert len(sent) == 30 and len(set(sent)) == 30
    assert {d.state for d in _deliveries(hub)} == {"delivered"}


def test_scheduler_pushes_without_being_asked(hub, receivers):
    receiver = Receiver()
    court = _agency(hub, "十堰市中级人民法院", receivers(receiver))
    with LiveHub(hub):
        make_handoff(hub, court)
        deadline = time.monotonic() + 30
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.1)
    assert len(receiver.received) == 1
    assert orjson.loads(receiver.received[0]["body"])["event"] == "handoff.created"


def test_pushes_delivered_long_ago_are_purged_with_their_attempts_failed_ones_stay(hub):
    from datetime import timedelta

    from hub.notify.jobs import jobs
    from hub.notify.webhooks import purge_delivered

    court = _agency(hub, "十堰市中级人民法院", None)
    handoff = make_handoff(hub, court)
    now = utcnow()
    rows = {"old_delivered": ("delivered", now - timedelta(days=40)),
            "new_delivered": ("delivered", now - timedelta(days=1)),
            "old_failed": ("failed", None)}
    with hub.uow() as uow:
        for key, (state, delivered_at) in rows.items():
            delivery = WebhookDelivery(
                delivery_id=key, event_key=key, agency_id=court, handoff_id=handoff,
                event="handoff.created", payload={}, state=state, attempts=1,
                created_at=now - timedelta(days=41), delivered_at=delivered_at)
            uow.session.add(delivery)
            uow.session.flush()
            uow.session.add(WebhookAttempt(delivery_id=delivery.id, at=now - timedelta(days=40),
                                           url="https://fy.example.cn/h", status=200))
        uow.commit()
    assert "purge_delivered_webhooks" in [job.id for job in jobs(hub)]
    with hub.uow() as uow:
        assert purge_delivered(uow.session, now - timedelta(days=hub.settings.webhook_retention_days)) == 1
        uow.commit()
    with hub.uow(write=False) as uow:
        left = uow.session.scalars(select(WebhookDelivery.delivery_id)).all()
        attempts = uow.session.scalar(select(func.count()).select_from(WebhookAttempt))
    assert sorted(left) == ["new_delivered", "old_failed"] and attempts == 2


def test_a_claim_left_by_a_dead_dispatcher_is_taken_again_after_the_claim_period(hub):
    from datetime import timedelta

    from hub.notify.dispatch import claim

    court = _agency(hub, "十堰市中级人民法院", None)
    handoff = make_handoff(hub, court)
    now = utcnow()
    with hub.uow() as uow:  # claimed 40 s ago by a process that died before it finished
        uow.session.add(WebhookDelivery(
            delivery_id="orphan", event_key="orphan", agency_id=court, handoff_id=handoff,
            event="handoff.created", payload={}, state="sending", attempts=1,
            created_at=now - timedelta(seconds=60), next_attempt_at=now - timedelta(seconds=60),
            claimed_at=now - timedelta(seconds=40)))
        uow.commit()
    with hub.uow() as uow:
        assert claim(uow.session, now) == []  # the default 120 s: it may still be sending
        taken = claim(uow.session, now, claim_seconds=30)  # HUB_WEBHOOK_CLAIM_SECONDS=30
        uow.commit()
    assert [(c.delivery_id, c.attempts) for c in taken] == [("orphan", 2)]
