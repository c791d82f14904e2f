"""The administrator's pages over HTTP (a real hub on loopback): each change audited, refused
forms keep what was typed, other roles refused in Chinese."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus as unquote

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from hub.audit.models import AuditEntry
from tests.admin.conftest import PASSWORD, csrf_of, office_client
from tests.support import factories


def _post(*args, **kw):  # noqa: ANN002, ANN003, ANN202
    return httpx.post(*args, timeout=60, **kw)


def _get(*args, **kw):  # noqa: ANN002, ANN003, ANN202
    return httpx.get(*args, timeout=60, **kw)


def _actions(world) -> list[str]:  # noqa: ANN001
    with world.hub.uow(write=False) as uow:
        return list(uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_other_roles_are_refused_in_chinese(world):
    for username in ("li", "head", "audit"):
        client, _ = office_client(world, username)
        for section in ("agencies", "users", "connectors", "deadletters", "tasks"):
            page = client.get(f"/office/admin/{section}")
            assert page.status_code == 403
            assert "只有管理员可以使用系统管理页面" in page.text
        assert "系统管理" not in client.get("/office/queue").text
    client, _ = office_client(world, "admin")
    assert "系统管理" in client.get("/office/queue").text


def test_agency_key_issued_once_pushes_then_revoked(world):
    admin, _ = office_client(world, "admin")
    page = admin.get("/office/admin/agencies")
    csrf = csrf_of(page.text)
    refused = admin.post("/office/admin/agencies", data={
        "csrf": csrf, "name": "郧西县人民检察院", "channel": "procuratorate",
        "region_code": "420322", "scopes": ["clues:write"], "allow_ips": "not-an-ip"})
    assert refused.status_code == 422
    assert "“not-an-ip”不是 IP 地址或 CIDR 网段" in refused.text
    assert 'value="郧西县人民检察院"' in refused.text and 'value="not-an-ip"' in refused.text
    made = admin.post("/office/admin/agencies", data={
        "csrf": csrf, "name": "郧西县人民检察院", "channel": "procuratorate",
        "region_code": "420322", "scopes": ["clues:write", "clues:read"], "expires": "90d",
        "allow_ips": "127.0.0.1/32"})
    assert made.status_code == 200, made.text
    key = re.search(r"hub_[0-9a-f]{12}_[\w-]+", made.text).group()
    assert "只显示这一次" in made.text
    pushed = _post(f"{world.url}/api/v1/clues", json=factories.clue(channel="procuratorate"),
                        headers={"Authorization": f"Bearer {key}"})
    assert pushed.status_code == 201, pushed.text
    agency_id = re.search(r'href="/office/admin/agencies/(\d+)"', made.text).group(1)
    detail = admin.get(f"/office/admin/agencies/{agency_id}")
    assert key not in detail.text and key.split("_")[1] in detail.text
    revoked = admin.post(f"/office/admin/agencies/{agency_id}", data={
        "csrf": csrf, "op": "revoke", "key_id": key.split("_")[1]})
    assert revoked.status_code == 303
    again = _post(f"{world.url}/api/v1/clues", json=factories.clue(),
                       headers={"Authorization": f"Bearer {key}"})
    assert again.status_code == 401 and "吊销" in again.json()["message"]
    bad_pem = admin.post(f"/office/admin/agencies/{agency_id}", data={
        "csrf": csrf, "op": "signing_key", "public_key": "not a key"})
    assert bad_pem.status_code == 422 and "Ed25519" in bad_pem.text and "not a key" in bad_pem.text
    pem = Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    key2 = re.search(r"hub_[0-9a-f]{12}_[\w-]+", admin.post(
        f"/office/admin/agencies/{agency_id}",
        data={"csrf": csrf, "op": "key", "scopes": ["clues:write"]}).text).group()
    assert admin.post(f"/office/admin/agencies/{agency_id}", files={
        "public_key_file": ("yunxi.pub.pem", pem.encode(), "application/x-pem-file")},
        data={"csrf": csrf, "op": "signing_key"}).status_code == 303
    unsigned = _post(f"{world.url}/api/v1/clues", json=factories.clue(),
                          headers={"Authorization": f"Bearer {key2}"})
    assert unsigned.status_code == 401 and "请求必须签名" in unsigned.json()["message"]
    assert "今后的每个请求都必须签名" not in admin.get(f"/office/admin/agencies/{agency_id}").text
    assert admin.post(f"/office/admin/agencies/{agency_id}", data={
        "csrf": csrf, "op": "signing_key_remove"}).status_code == 303
    assert {"agency.added", "agency.key_revoked", "agency.key_issued", "agency.signing_key_set",
            "agency.signing_key_removed"} <= set(_actions(world))


def test_users_added_locked_unlocked_reset(world):
    admin, csrf = office_client(world, "admin")
    short = admin.post("/office/admin/users", data={
        "csrf": csrf, "username": "zhao", "display_name": "赵科员", "role": "reviewer",
        "password": "short"})
    assert short.status_code == 422 and "密码至少 10 个字符" in short.text
    assert 'value="zhao"' in short.text and 'value="赵科员"' in short.text
    made = admin.post("/office/admin/users", data={
        "csrf": csrf, "username": "zhao", "display_name": "赵科员", "role": "reviewer",
        "password": PASSWORD})
    assert made.status_code == 303
    for _ in range(5):
        wrong = _post(f"{world.url}/api/v1/office/session",
                           json={"username": "zhao", "password": "wrong-password"})
        assert wrong.status_code == 401
    locked = _post(f"{world.url}/api/v1/office/session",
                        json={"username": "zhao", "password": PASSWORD})
    assert locked.status_code == 401 and "已锁定" in locked.json()["message"]
    guessed = _post(f"{world.url}/api/v1/office/session",
                         json={"username": "zhao", "password": "another-guess"})
    assert guessed.json()["message"] == locked.json()["message"]  # no oracle while locked
    page = admin.get("/office/admin/users")
    assert "已锁定" in page.text
    user_id = re.search(r'action="/office/admin/users/(\d+)"[^>]*>\s*<input[^>]*>\s*<input[^>]*'
                        r'value="role">\s*<select name="role" aria-label="zhao', page.text).group(1)
    assert admin.post(f"/office/admin/users/{user_id}",
                      data={"csrf": csrf, "op": "unlock"}).status_code == 303
    assert _post(f"{world.url}/api/v1/office/session",
                      json={"username": "zhao", "password": PASSWORD}).status_code == 200
    reset = admin.post(f"/office/admin/users/{user_id}",
                       data={"csrf": csrf, "op": "reset_password", "password": "tiny"})
    assert reset.status_code == 422 and "密码至少 10 个字符" in reset.text
    assert admin.post(f"/office/admin/users/{user_id}", data={
        "csrf": csrf, "op": "disable"}).status_code == 303
    assert _post(f"{world.url}/api/v1/office/session",
                      json={"username": "zhao", "password": PASSWORD}).status_code == 401
    me = re.search(r'action="/office/admin/users/(\d+)"[^>]*>\s*<input[^>]*>\s*<input[^>]*'
                   r'value="role">\s*<select name="role" aria-label="admin', page.text).group(1)
    own = admin.post(f"/office/admin/users/{me}", data={"csrf": csrf, "op": "role",
                                                        "role": "reviewer"})
    assert own.status_code == 422 and "不能修改自己的角色" in own.text
    assert {"user.added", "user.unlocked", "user.disabled"} <= set(_actions(world))


def test_forms_need_csrf(world):
    admin, _ = office_client(world, "admin")
    refused = admin.post("/office/admin/users", data={"csrf": "forged", "username": "x"})
    assert refused.status_code == 403 and "CSRF" in refused.text


def test_connectors_tasks_and_dead_letters_pages_answer(world):
    admin, csrf = office_client(world, "admin")
    for section in ("connectors", "deadletters", "tasks"):
        assert admin.get(f"/office/admin/{section}").status_code == 200
    enable = admin.post("/office/admin/connectors/hotline", data={
        "csrf": csrf, "op": "enable", "interval": "60"})
    assert enable.status_code == 422 and "启用前请先指定合作方系统的地址" in enable.text
    bad = admin.post("/office/admin/connectors/hotline", data={
        "csrf": csrf, "op": "save", "url": "http://127.0.0.1:9", "interval": "每分钟"})
    assert bad.status_code == 422 and "拉取间隔应为正整数" in bad.text
    assert 'value="http://127.0.0.1:9"' in bad.text  # what was typed stays
    saved = admin.post("/office/admin/connectors/hotline", data={
        "csrf": csrf, "op": "save", "url": "http://127.0.0.1:9", "interval": "600"})
    assert saved.status_code == 303
    assert admin.post("/office/admin/connectors/hotline",
                      data={"csrf": csrf, "op": "enable"}).status_code == 303
    ran = admin.post("/office/admin/connectors/hotline", data={"csrf": csrf, "op": "run"})
    assert "已安排立即运行" in unquote(ran.headers["location"])
    assert admin.post("/office/admin/connectors/hotline",
                      data={"csrf": csrf, "op": "disable"}).status_code == 303
    idle = admin.post("/office/admin/connectors/hotline", data={"csrf": csrf, "op": "run"})
    assert "请先启用再立即运行" in unquote(idle.headers["location"])
    assert "connector.configured" in _actions(world)
    replay = admin.post("/office/admin/tasks/replay", data={"csrf": csrf, "all": "1"})
    assert "已重新排队 0 项任务" in unquote(replay.headers["location"])


def test_a_failed_task_is_listed_and_replayed(world):
    from hub.db.models import Task
    from hub.db.types import utcnow

    with world.hub.uow() as uow:
        task = Task(stage="normalize", ref_id=999999, state="failed", attempts=5,
                    created_at=utcnow(), available_at=utcnow(), finished_at=utcnow(),
                    last_error="ValueError: 测试用的失败")
        uow.session.add(task)
        uow.session.flush()
        task_id = task.id
        uow.commit()
    admin, csrf = office_client(world, "admin")
    page = admin.get("/office/admin/tasks")
    assert "ValueError: 测试用的失败" in page.text and f'value="{task_id}"' in page.text
    replayed = admin.post("/office/admin/tasks/replay", data={"csrf": csrf, "task": str(task_id)})
    assert "已重新排队 1 项任务" in unquote(replayed.headers["location"])
    with world.hub.uow(write=False) as uow:
        assert uow.session.get(Task, task_id).state != "failed"
    assert "tasks.replayed" in _actions(world)
