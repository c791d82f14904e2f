"""Heads signed soon after each append and on every stop; a recomputed chain named at the
entry that was changed, not at the head that caught it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select, text

from hub import audit, scheduler
from hub.audit.chain import ChainCheck, entry_hash, first_changed, make_span
from hub.audit.models import AuditEntry, AuditHead
from hub.audit.service import sign_head
from tests.support.cli import run_hub
from tests.support.live import free_port
from tests.support.processes import HubProcesses


def _append(hub, n: int, start: int = 0) -> None:
    with hub.uow() as uow:
        for i in range(start, start + n):
            audit.record(uow.session, actor="user:7", action="decision.accept",
                         target=f"clue:{i}", via="page")
        uow.commit()


def _sign(hub) -> None:
    with hub.uow() as uow:
        sign_head(uow.session, hub.signing_key)
        uow.commit()


def _forge(hub, seq: int) -> None:
    """Rewrite entry `seq` and recompute every later hash, as an insider covering tracks."""
    with hub.uow() as uow:
        rows = list(uow.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        rows[seq - 1].action = "login"
        rows[seq - 1].hash = entry_hash(rows[seq - 1])
        for prev, row in zip(rows[seq - 1:], rows[seq:], strict=False):
            row.prev_hash = prev.hash
            row.hash = entry_hash(row)
        uow.commit()


def test_a_recomputed_chain_is_named_at_the_changed_row_not_at_the_head(hub, settings):
    for n in (4, 4, 2):  # heads at #4, #8, #10
        _append(hub, n)
        _sign(hub)
    _forge(hub, 6)
    out = run_hub(settings, "audit", "verify")
    assert out.returncode == 1
    assert "第一条损坏的记录：#6" in out.stdout and "链被重算过" in out.stdout, out.stdout
    assert "链头 #8" in out.stdout  # the head that caught it, checked on the way


def test_the_scheduler_signs_within_a_minute_so_deleting_the_newest_rows_is_caught(hub, settings):
    job = {j.id: j for j in scheduler.jobs(hub)}["audit.sign_head"]
    assert job.trigger == "interval" and job.args["seconds"] <= 60
    _append(hub, 6)
    job.func()  # the job's next run after the append
    with hub.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq >= 5"))
    out = run_hub(settings, "audit", "verify")
    assert out.returncode == 1
    assert "第一条损坏的记录：#5" in out.stdout and "被删除" in out.stdout, out.stdout


def test_a_stopping_worker_signs_what_was_appended(hub, settings, tmp_path):
    procs = HubProcesses(settings, tmp_path)
    procs.start("worker")
    try:
        procs.wait_logged("worker", b"consuming")
        _append(hub, 3)
    finally:
        procs.stop_all()
    with hub.uow(write=False) as uow:
        assert [h.seq for h in uow.session.scalars(select(AuditHead))] == [3]


@pytest.mark.parametrize("role", ["api", "run"])
def test_a_served_process_stopped_by_sigterm_signs_what_was_appended(backend, hub, settings,
                                                                      tmp_path, role):
    """`hub api` (one process) and `hub run` stop through their `finally` on SIGTERM: uvicorn
    raises the signal again once stopped, and the default handler ended them before it."""
    if role == "run" and backend.name != "embedded":
        pytest.skip("`hub run` is the embedded default")
    settings.port = free_port()
    procs = HubProcesses(settings, tmp_path)
    served = procs.start(role)
    try:
        procs.wait_ready(served)
        _append(hub, 2)
    finally:
        procs.stop_all()
    assert served.returncode == 0, (tmp_path / f"{role}.log").read_text()
    with hub.uow(write=False) as uow:
        assert [h.seq for h in uow.session.scalars(select(AuditHead))] == [2]


class Entry:
    """An entry outside the database, for the chain's arithmetic alone."""

    def __init__(self, seq: int, prev_hash: str, action: str = "decision.accept") -> None:
        from datetime import UTC, datetime

        self.seq, self.at, self.actor_kind, self.actor_id = seq, datetime(2026, 1, 1, tzinfo=UTC), "user", "7"
        self.action, self.target_kind, self.target_id = action, "clue", str(seq)
        self.ip = self.before = self.after = None
        self.via, self.prev_hash = "page", prev_hash
        self.hash = entry_hash(self)


def _chain(n: int, changed: int | None = None) -> list[Entry]:
    entries, prev = [], "0" * 64
    for seq in range(1, n + 1):
        entries.append(Entry(seq, prev, "login" if seq == changed else "decision.accept"))
        prev = entries[-1].hash
    return entries


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n=st.integers(2, 40))
def test_any_recomputed_change_is_named_at_its_entry(data, n):
    heads = sorted(set(data.draw(st.lists(st.integers(1, n), min_size=1, max_size=6))))
    changed = data.draw(st.integers(1, heads[-1]))
    honest, forged = _chain(n), _chain(n, changed)
    spans, start = {}, 1
    for seq in heads:
        spans[seq] = (start, make_span(e.hash for e in honest[start - 1:seq]))
        start = seq + 1
    check = ChainCheck(signed={seq: honest[seq - 1].hash for seq in heads})
    assert not check.feed(forged) and check.recomputed
    caught = check.broken_seq
    assert caught == min(seq for seq in heads if seq >= changed)
    span_start, span = spans[caught]
    named = first_changed(span_start, span, ((e.seq, e.hash) for e in forged[span_start - 1:caught]))
    assert named == changed
