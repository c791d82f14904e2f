"""The trail is a hash chain with signed heads: any change made behind the hub's back is named."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from sqlalchemy import create_engine, func, select, text

from hub import audit
from hub.audit.models import AuditEntry, AuditHead
from hub.audit.service import sign_head, verify_recent, verify_trail
from tests.support.cli import run_hub


def _append(hub, n: int, start: int = 0) -> None:
    with hub.uow() as uow:
        for i in range(start, start + n):
            audit.record(uow.session, actor="user:7", action="decision.accept",
                         target=f"clue:{i}", via="page", ip="127.0.0.1",
                         before={"status": "pending_review"}, after={"status": "accepted"})
        uow.commit()


def test_intact_trail_verifies_with_its_signed_head(hub, settings):
    _append(hub, 5)
    with hub.uow() as uow:
        head = sign_head(uow.session, hub.signing_key)
        assert sign_head(uow.session, hub.signing_key) is None  # unchanged head: nothing to sign
        uow.commit()
    assert head.seq == 5
    out = run_hub(settings, "audit", "verify")
    assert out.returncode == 0, out.stderr
    assert "审计记录完整：5 条记录、1 个签名链头均已校验" in out.stdout


def test_a_row_changed_in_the_database_is_named(hub, settings):
    _append(hub, 6)
    with hub.uow() as uow:
        sign_head(uow.session, hub.signing_key)
        uow.commit()
    with hub.engine.begin() as conn:  # an insider edits the table directly
        conn.execute(text("UPDATE audit_entries SET actor_id = '9' WHERE seq = 4"))
    out = run_hub(settings, "audit", "verify")
    assert out.returncode == 1
    assert "第一条损坏的记录：#4" in out.stdout and "被改动" in out.stdout


def test_a_deleted_row_is_named(hub, settings):
    _append(hub, 6)
    with hub.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
    out = run_hub(settings, "audit", "verify")
    assert out.returncode == 1
    assert "第一条损坏的记录：#3" in out.stdout and "被删除" in out.stdout


def test_deleting_the_newest_rows_is_caught_by_the_signed_head(hub):
    _append(hub, 6)
    with hub.uow() as uow:
        sign_head(uow.session, hub.signing_key)
        uow.commit()
    with hub.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq >= 5"))
    with hub.uow(write=False) as uow:
        verdict = verify_trail(uow.session, hub.signing_key)
    assert not verdict.ok and verdict.broken_seq == 5 and "被删除" in verdict.problem


def test_a_recomputed_chain_does_not_match_the_signed_head(hub):
    from hub.audit.chain import entry_hash

    _append(hub, 4)
    with hub.uow() as uow:
        sign_head(uow.session, hub.signing_key)
        uow.commit()
    with hub.uow() as uow:  # rewrite entry 2 and re-hash everything after it, as a forger would
        rows = list(uow.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        rows[1].action = "login"
        for prev, row in zip(rows, rows[1:], strict=False):
            row.prev_hash = prev.hash
            row.hash = entry_hash(row)
        uow.commit()
    with hub.uow(write=False) as uow:
        verdict = verify_trail(uow.session, hub.signing_key)
    assert not verdict.ok and "链被重算过" in verdict.problem


def _signed_then_more(hub, signed: int, after: int) -> None:
    _append(hub, signed)
    with hub.uow() as uow:
        sign_head(uow.session, hub.signing_key)
        uow.commit()
    _append(hub, after, start=signed)


def _quick(hub, **limit):
    with hub.uow(write=False) as uow:
        return verify_recent(uow.session, hub.signing_key, **limit)


def test_the_quick_check_says_it_covered_the_signed_head_and_the_entries_after_it(hub):
    _signed_then_more(hub, 6, 3)
    verdict = _quick(hub)
    assert verdict.ok and "已校验最新签名链头 #6 及其后 3 条记录" in verdict.summary()
    assert "hub audit verify" in verdict.summary() and "完整校验" in verdict.summary()


def test_the_quick_check_names_an_entry_changed_after_the_signed_head(hub):
    _signed_then_more(hub, 6, 3)
    with hub.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor_id = '9' WHERE seq = 8"))
    verdict = _quick(hub)
    assert not verdict.ok and verdict.broken_seq == 8
    assert "第一条损坏的记录：#8" in verdict.summary() and "被改动" in verdict.summary()


def test_a_change_before_the_signed_head_is_left_to_the_full_check(hub):
    _signed_then_more(hub, 6, 2)
    with hub.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET actor_id = '9' WHERE seq = 3"))
    assert _quick(hub).ok
    with hub.uow(write=False) as uow:
        full = verify_trail(uow.session, hub.signing_key)
    assert not full.ok and full.broken_seq == 3


@pytest.mark.parametrize(("sql", "says"), [
    ("DELETE FROM audit_entries WHERE seq >= 5", "被删除"),
    ("UPDATE audit_entries SET actor_id = '9' WHERE seq = 6", "被改动"),
    ("UPDATE audit_heads SET signature = 'AAAA'", "签名无效"),
])
def test_the_quick_check_catches_the_signed_head_itself_being_undermined(hub, sql, says):
    _signed_then_more(hub, 6, 0)
    with hub.engine.begin() as conn:
        conn.execute(text(sql))
    verdict = _quick(hub)
    assert not verdict.ok and says in verdict.problem


def test_the_quick_check_reads_a_bounded_tail_and_says_how_much_it_left(hub):
    _signed_then_more(hub, 2, 10)
    verdict = _quick(hub, limit=5)
    assert verdict.ok and "#2 及其后 5 条记录，更新的 5 条记录本页未校验" in verdict.summary()


def test_personal_data_and_secrets_never_enter_the_trail(hub):
    with hub.uow() as uow:
        entry = audit.record(uow.session, actor="system", action="test",
                             after={"reporter": {"name": "张三", "phone": "13812345678"},
                                    "password": "hunter2-hunter2", "phone": "13912345678"})
        uow.commit()
    stored = str(entry.after)
    assert "13812345678" not in stored and "13912345678" not in stored and "张三" not in stored
    assert "hunter2" not in stored and "138****5678" in stored


def test_concurrent_writers_make_one_unbroken_chain(hub, settings):
    """Threads in this process and other processes append at once; no seq is used twice."""
    threads = [threading.Thread(target=_append, args=(hub, 15, i * 100)) for i in range(4)]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_elsewhere, args=(settings.database_url, 10))
             for _ in range(2 if not settings.is_sqlite else 0)]
    for worker in [*threads, *procs]:
        worker.start()
    for worker in [*threads, *procs]:
        worker.join(120)
    assert all(p.exitcode == 0 for p in procs)
    with hub.uow(write=False) as uow:
        total = uow.session.scalar(select(func.count()).select_from(AuditEntry))
        verdict = verify_trail(uow.session, hub.signing_key)
    assert total == 60 + 10 * len(procs)
    assert verdict.ok and verdict.entries == total


def _append_elsewhere(database_url: str, n: int) -> None:
    """Another process (an API or worker) appending through its own engine."""
    from sqlalchemy.orm import Session

    engine = create_engine(database_url)
    for i in range(n):
        with Session(engine) as session:
            audit.record(session, actor="agency:2", action="clue.received", target=f"clue:{i}",
                         via="api")
            session.commit()
    engine.dispose()


@pytest.mark.parametrize("bad", ["robot:1", ""])
def test_unknown_actor_kinds_are_refused(hub, bad):
    with hub.uow() as uow, pytest.raises(ValueError):
        audit.record(uow.session, actor=bad, action="x")


def test_heads_table_keeps_each_signature(hub):
    _append(hub, 2)
    with hub.uow() as uow:
        sign_head(uow.session, hub.signing_key)
        uow.commit()
    _append(hub, 1)
    with hub.uow() as uow:
        sign_head(uow.session, hub.signing_key)
        uow.commit()
        heads = list(uow.session.scalars(select(AuditHead).order_by(AuditHead.seq)))
    assert [h.seq for h in heads] == [2, 3]
