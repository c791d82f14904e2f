"""Dead letters on the administrator's pages (masked record, correction kept beside the
original, replay, discard with a reason) and the signed webhook test."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import unquote_plus

from sqlalchemy import select

from connectors.registry import CONNECTORS
from hub.collect.models import DeadLetter
from hub.collect.service import accept_records, connector_agency
from hub.db.models import RawRecord
from hub.notify.signature import verify_request
from tests.admin.conftest import csrf_of, office_client


def _bad_records(n: int) -> list[dict]:
    records = CONNECTORS["hotline"].generate_records(1, 200, with_truth=True)
    return [r for r, t in records if t.outcome == "refused" and t.field == "来电时间"][:n]


def test_dead_letter_masked_corrected_replayed_and_discarded(world):
    spec = CONNECTORS["hotline"]
    agency_id = connector_agency(world.hub, spec)
    first, second = _bad_records(2)
    accept_records(world.hub, spec, agency_id, "push", [first, second])
    with world.hub.uow(write=False) as uow:
        dead = {d.record_ref: d for d in uow.session.scalars(select(DeadLetter))}
    one, two = dead[first["工单编号"].strip()], dead[second["工单编号"].strip()]
    admin, csrf = office_client(world, "admin")
    listing = admin.get("/office/admin/deadletters?connector=hotline")
    assert f"#{one.id}" in listing.text and "hotline · 来电时间" in listing.text
    page = admin.get(f"/office/admin/deadletters/{one.id}")
    assert first["联系电话"] not in page.text and first["来电人"] not in page.text
    assert first["联系电话"][:3] + "****" + first["联系电话"][-4:] in page.text
    record = json.loads(re.search(r'<textarea name="record"[^>]*>(.*?)</textarea>', page.text,
                                  re.S).group(1).replace("&#34;", '"'))
    bad = admin.post("/office/admin/deadletters", data={
        "csrf": csrf, "op": "correct", "dead": str(one.id), "record": "{not json",
        "back": f"/office/admin/deadletters/{one.id}"})
    assert bad.status_code == 422 and "不是合法的 JSON" in bad.text and "{not json" in bad.text
    record["来电时间"] = "2026-11-02 09:15:00"
    fixed = admin.post("/office/admin/deadletters", data={
        "csrf": csrf, "op": "correct", "dead": str(one.id), "record": json.dumps(record),
        "back": f"/office/admin/deadletters/{one.id}"})
    assert "1 条已成为线索或已解决" in unquote_plus(fixed.headers["location"])
    with world.hub.uow(write=False) as uow:
        now_one = uow.session.get(DeadLetter, one.id)
        original = uow.session.get(RawRecord, now_one.raw_record_id)
        corrected = uow.session.get(RawRecord, now_one.corrected_raw_record_id)
        corrected_body = json.loads(world.hub.cipher.decrypt(
            corrected.body_enc, f"raw:{corrected.agency_id}".encode()))
    assert now_one.state == "replayed" and now_one.clue_id is not None
    assert json.loads(world.hub.cipher.decrypt(
        original.body_enc, f"raw:{original.agency_id}".encode())) == first  # kept as received
    assert corrected_body["联系电话"] == first["联系电话"]  # the masked field kept its value
    assert corrected_body["来电时间"] == "2026-11-02 09:15:00"
    no_reason = admin.post("/office/admin/deadletters", data={
        "csrf": csrf, "op": "discard", "dead": str(two.id), "reason": " "})
    assert "请填写放弃处理的理由" in unquote_plus(no_reason.headers["location"])
    admin.post("/office/admin/deadletters", data={
        "csrf": csrf, "op": "discard", "dead": str(two.id), "reason": "测试工单，无需处理"})
    with world.hub.uow(write=False) as uow:
        gone = uow.session.get(DeadLetter, two.id)
    assert gone.state == "discarded" and gone.discard_reason == "测试工单，无需处理"


class _Receiver(BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Receiver.seen.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_send_test_posts_a_signed_event(world):
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        admin, csrf = office_client(world, "admin")
        made = admin.post("/office/admin/agencies", data={
            "csrf": csrf, "name": "郧西县自然资源和规划局", "channel": "other",
            "scopes": ["handoffs:read", "handoffs:write"]})
        agency_id = re.search(r'href="/office/admin/agencies/(\d+)"', made.text).group(1)
        url = f"/office/admin/agencies/{agency_id}"
        wrong = admin.post(url, data={"csrf": csrf, "op": "webhook", "url": "ftp://x"})
        assert wrong.status_code == 422 and "回调地址应为 http://" in wrong.text
        assert 'value="ftp://x"' in wrong.text
        hook = f"http://127.0.0.1:{server.server_port}/hook"
        admin.post(url, data={"csrf": csrf, "op": "webhook", "url": hook})
        tested = admin.post(url, data={"csrf": csrf, "op": "webhook_test"})
        assert "测试事件已送达：对方答复 204" in unquote_plus(tested.headers["location"])
        headers, body = _Receiver.seen[-1]
        public = admin.get("/api/v1/keys").json()["keys"][0]["public_key_raw_b64"]
        assert verify_request(public, headers, body, now=__import__("time").time()) is None
        assert json.loads(body)["event"] == "webhook.test"
        assert csrf_of(admin.get(url).text) == csrf
    finally:
        server.shutdown()
