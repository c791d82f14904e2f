"""Deadlines in Chinese working days: National Day 2026, New Year 2027 with an administrator's
override, and the warning for a year nobody has entered."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hub.calendar.service import import_year, load_calendar, set_day
from hub.db.models import Clue
from hub.handoffs.deadlines import days_overdue
from hub.handoffs.receivers import resolve_receiver
from hub.handoffs.service import create_handoffs
from hub.workdays import WorkCalendar
from tests.handoffs.conftest import COMMISSION


def _hand_off(desk, sent: datetime, clue: str | None = None, **days) -> dict:
    clue_id = int((clue or desk.pending_clue()).split("-")[-1])
    with desk.hub.uow() as uow:
        made = create_handoffs(
            uow.session, clue=uow.session.get(Clue, clue_id), kind="assign",
            receivers=[resolve_receiver(uow.session, COMMISSION)],
            calendar=load_calendar(uow.session), actor="system", via="system", now=sent, **days)
        uow.commit()
        number = made[0].number
    return desk.commission.get(f"/api/v1/handoffs/{number}").json()


def test_sent_before_national_day_is_due_after_it_counting_the_make_up_saturday(desk):
    shown = _hand_off(desk, datetime(2026, 9, 30, 2, tzinfo=UTC), reply_days=5, complete_days=10)
    assert shown["reply_due_on"] == "2026-10-13"
    assert shown["due_on"] == "2026-10-20"
    assert shown["deadline_warning"] is None
    assert shown["id"].startswith("JB-2026-")


def test_new_year_2027_needs_the_administrator_and_says_so_until_entered(desk):
    sent = datetime(2026, 12, 28, 2, tzinfo=UTC)
    clues = desk.pending_clues(3)
    before = _hand_off(desk, sent, clues[0], reply_days=5)
    assert before["reply_due_on"] == "2027-01-04"  # weekends only: 01-01 counted as a workday
    assert "2027 年的法定节假日尚未录入" in before["deadline_warning"]

    with desk.hub.uow() as uow:
        set_day(uow.session, date(2027, 1, 1), "holiday", note="元旦", by="user:wang")
        uow.commit()
    override = _hand_off(desk, sent, clues[1], reply_days=5)
    assert override["reply_due_on"] == "2027-01-05"
    assert "2027" in override["deadline_warning"]  # one day entered is not the whole year

    with desk.hub.uow() as uow:
        import_year(uow.session, "2027-01-01,holiday,元旦\n2027-02-06,holiday,春节\n",
                    by="user:wang")
        uow.commit()
    entered = _hand_off(desk, sent, clues[2], reply_days=5)
    assert entered["reply_due_on"] == "2027-01-05" and entered["deadline_warning"] is None


class _Open:
    state, returned_by, first_replied_at = "acknowledged", None, None

    def __init__(self, reply_due_on, due_on):  # noqa: ANN001
        self.reply_due_on, self.due_on = reply_due_on, due_on


def test_days_overdue_counts_working_days_only_and_stops_when_the_receiver_is_done():
    cal = WorkCalendar()
    late = _Open(date(2026, 9, 30), date(2026, 10, 13))
    assert days_overdue(late, date(2026, 9, 30), cal) == 0
    assert days_overdue(late, date(2026, 10, 7), cal) == 0  # National Day: no working day past
    assert days_overdue(late, date(2026, 10, 10), cal) == 3  # 10-08, 10-09, make-up 10-10
    assert days_overdue(late, date(2026, 10, 14), cal) == 6  # the reply deadline is the worst
    late.first_replied_at = datetime(2026, 10, 1, tzinfo=UTC)
    assert days_overdue(late, date(2026, 10, 14), cal) == 1  # only completion runs now
    late.state = "replied"
    assert days_overdue(late, date(2026, 12, 1), cal) == 0


def test_listeners_see_every_new_and_changed_hand_off_and_reminder_jobs_find_running_ones(desk):
    from hub.handoffs import repository, service

    seen = []

    def listener(session, handoff, event):  # noqa: ANN001
        seen.append((handoff.number, event.action, handoff.version))

    service.add_listener(listener)
    try:
        number = desk.handoff()
        desk.commission.post(f"/api/v1/handoffs/{number}/ack")
    finally:
        service.remove_listener(listener)
    assert seen == [(number, "create", 1), (number, "acknowledge", 2)]
    with desk.hub.uow(write=False) as uow:
        assert [h.number for h in repository.receiver_working(uow.session)] == [number]
