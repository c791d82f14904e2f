"""Which reminders (催办) and escalations (督办) a hand-off is owed on a given day (pure).

For each deadline the receiver has not yet met (`hub.handoffs.deadlines.running_deadlines`:
the initial reply until a first reply comes, completion while the receiver works):

- `before`: on the working day before the deadline;
- `overdue`: on each working day after it (with the count of working days overdue);
- `escalate`: once, on the first working day more than `escalate_after` working days overdue
  (督办, to the section heads);
- `leader`: once, on the first working day more than `leader_after` working days overdue
  (领导介入, the ladder's second step, to the leaders).

Each planned item has a fixed date (`on_date`), so the unique key (hand-off, deadline, kind,
date) makes every one of them go out exactly once, however often the job runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hub.handoffs.deadlines import HasDeadlines, running_deadlines
from hub.workdays import WorkCalendar

DEADLINE_LABELS = {"reply": "初步反馈", "complete": "办结"}
KIND_LABELS = {"before": "到期前提醒", "overdue": "逾期催办", "escalate": "逾期督办",
               "leader": "领导介入"}
ESCALATIONS = frozenset({"escalate", "leader"})


@dataclass(frozen=True)
class Planned:
    deadline: str  # reply | complete
    kind: str  # before | overdue | escalate | leader
    on_date: date
    due_on: date
    overdue_days: int


def plan(handoff: HasDeadlines, today: date, calendar: WorkCalendar,
         escalate_after: int, leader_after: int | None = None) -> list[Planned]:
    """What is owed on `today` (nothing on a rest day); `leader_after` None: no second step."""
    if not calendar.is_workday(today):
        return []
    owed = []
    for deadline, due_on in running_deadlines(handoff):
        if today < due_on:
            if calendar.previous_working_day(due_on) == today:
                owed.append(Planned(deadline, "before", today, due_on, 0))
            continue
        late = calendar.working_days_between(due_on, today)
        if late <= 0:
            continue
        owed.append(Planned(deadline, "overdue", today, due_on, late))
        if late > escalate_after:
            first = calendar.add_working_days(due_on, escalate_after + 1)
            owed.append(Planned(deadline, "escalate", first, due_on, late))
        if leader_after is not None and late > leader_after > escalate_after:
            first = calendar.add_working_days(due_on, leader_after + 1)
            owed.append(Planned(deadline, "leader", first, due_on, late))
    return owed


def describe(item: Planned, receiver: str, number: str) -> tuple[str, str]:
    """The title and text an office user reads (Chinese)."""
    what = DEADLINE_LABELS[item.deadline]
    if item.kind == "before":
        return (f"催办提醒：{number} 明日{what}到期",
                f"{receiver}承办的移交 {number} 的{what}期限为 {item.due_on:%Y-%m-%d}，"
                f"将于下一个工作日到期。")
    if item.kind == "overdue":
        return (f"逾期催办：{number} {what}已逾期 {item.overdue_days} 个工作日",
                f"{receiver}承办的移交 {number} 的{what}期限为 {item.due_on:%Y-%m-%d}，"
                f"已逾期 {item.overdue_days} 个工作日，已向承办单位发出催办。")
    if item.kind == "leader":
        return (f"领导介入：{number} {what}逾期 {item.overdue_days} 个工作日",
                f"{receiver}承办的移交 {number} 的{what}期限为 {item.due_on:%Y-%m-%d}，"
                f"已逾期 {item.overdue_days} 个工作日，督办后仍未办结，请领导介入（约谈、挂牌督办）。")
    return (f"督办：{number} {what}逾期 {item.overdue_days} 个工作日",
            f"{receiver}承办的移交 {number} 的{what}期限为 {item.due_on:%Y-%m-%d}，"
            f"已逾期 {item.overdue_days} 个工作日，超过督办阈值，请科长督办。")
