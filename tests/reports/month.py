"""A month of known records (October 2026, Shiyan), written out by hand.

Every figure of the report has a known value over these rows, and an edge of each:
a clue at 00:05 on 1 October and one at 23:30 on 31 October (office time) count, one at
00:10 on 1 November does not; a hand-off replied on its due date is on time, one replied on
the Monday after a Friday deadline is one working day late; a hotline clue merged into a
court clue's cluster makes that cluster two-channel; a Friday hand-off acknowledged on
Monday is acknowledged within one working day; a hand-off returned by its receiver is not
overdue. Times below are Asia/Shanghai.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.accounts.service import add_user
from hub.correlate.models import ClueCluster, Cluster
from hub.db.models import Agency, Clue, RawRecord
from hub.directory.models import Body
from hub.handoffs.models import Handoff, HandoffEvent, HandoffReply
from hub.review.models import Decision
from hub.workdays import SHANGHAI

YUNXI, MAOJIAN, ZHANGWAN, SHIYAN = "420322", "420302", "420303", "420300"
BODIES = {  # key: (name, region)
    "B1": ("郧西县交通运输局", YUNXI),
    "B2": ("十堰市城市管理执法委员会", SHIYAN),
    "B3": ("茅箭区市场监督管理局", MAOJIAN),
}


def at(text: str) -> datetime:
    """'2026-10-08 10:00' in office time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


# key: (received, channel, category, field, region, subject body key, title)
CLUES = {
    "C1": ("2026-10-08 10:00", "court", "judgment_compliance", "transport", YUNXI, "B1",
           "郧西县交通运输局未履行生效判决"),
    "C2": ("2026-10-09 09:00", "hotline", "enforcement", "urban", MAOJIAN, "B3",
           "茅箭区市场监管局对个体户重复检查"),
    "C3": ("2026-10-12 15:00", "hotline", "enforcement", "urban", MAOJIAN, "B3",
           "茅箭区市场监管局一月内四次上门检查"),
    "C4": ("2026-10-13 11:00", "petition", "official_conduct", None, YUNXI, "B1",
           "郧西县交通运输局对群众反映长期不答复"),
    "C5": ("2026-10-14 16:00", "procuratorate", "recommendation_compliance", "environment",
           SHIYAN, "B2", "检察建议落实不到位"),
    "C6": ("2026-10-15 09:30", "discipline", "official_conduct", None, YUNXI, "B1",
           "郧西县交通运输局工作人员不作为"),
    "C7": ("2026-10-01 00:05", "hotline", None, None, None, None, "来电反映办事难"),
    "C8": ("2026-10-31 23:30", "media", "other", None, "420304", "unresolved",
           "=HYPERLINK(\"http://example.invalid\")网传某单位乱收费"),
    "N1": ("2026-11-01 00:10", "hotline", "enforcement", "urban", MAOJIAN, "B3",
           "十一月的线索（不计入十月）"),
    "P1": ("2026-09-10 10:00", "hotline", "public_service", None, MAOJIAN, "B3",
           "社保窗口推诿"),
    "P2": ("2026-09-20 10:00", "court", "judgment_compliance", "transport", YUNXI, "B1",
           "郧西县交通运输局未履行判决（九月）"),
    "L1": ("2025-10-15 10:00", "hotline", "enforcement", "transport", YUNXI, "B1",
           "去年十月的线索"),
    "O1": ("2026-08-05 10:00", "court", "enforcement", "urban", MAOJIAN, "B3",
           "茅箭区市场监管局行政处罚被判决撤销"),
}

# (clue, kind, decided)
DECISIONS = [
    ("C1", "assign", "2026-10-09 09:00"),
    ("C2", "accept", "2026-10-10 09:00"), ("C2", "assign", "2026-10-12 08:30"),
    ("C3", "merge", "2026-10-13 09:00"),
    ("C4", "refer", "2026-10-14 09:00"),
    ("C5", "assign", "2026-10-15 09:00"),
    ("C6", "refer", "2026-10-16 09:00"),
    ("C7", "decline", "2026-10-21 09:00"),
    ("C8", "cc", "2026-10-31 12:00"),
    ("P1", "transfer", "2026-10-08 09:00"),
    ("P2", "accept", "2026-10-02 09:00"),
    ("P2", "assign", "2026-09-25 09:00"),  # superseded in October by the accept above
]

# key: cluster lead, members (the lead first)
CLUSTERS = {"K1": ["O1", "C2", "C3"], "K2": ["C4", "C6"], "K3": ["P2", "C1"]}

# key: clue, kind, receiver, body, sent, acknowledged, due, final reply, closed, state, returned_by
HANDOFFS = {
    "H1": ("C1", "assign", "郧西县交通运输局", "B1", "2026-10-09 10:00", "2026-10-10 09:00",
           date(2026, 10, 23), "2026-10-23 17:00", "2026-10-27 10:00", "closed", None),
    "H2": ("C2", "assign", "茅箭区市场监督管理局", "B3", "2026-10-12 09:00", "2026-10-14 09:00",
           date(2026, 10, 16), "2026-10-19 10:00", None, "returned", "office"),
    "H3": ("C4", "refer", "十堰市纪委监委", None, "2026-10-14 10:00", "2026-10-14 15:00",
           date(2026, 10, 28), "2026-10-27 16:00", "2026-10-30 10:00", "closed", None),
    "H4": ("C6", "refer", "十堰市纪委监委", None, "2026-10-16 15:00", "2026-10-19 09:00",
           date(2026, 10, 27), None, None, "acknowledged", None),
    "H5": ("C5", "assign", "十堰市城市管理执法委员会", "B2", "2026-10-15 10:00", None,
           date(2026, 10, 22), None, None, "returned", "receiver"),
    "H6": ("C8", "cc", "十堰市市场监督管理局", None, "2026-10-31 12:00", None, None, None, None,
           "sent", None),
    "H7": ("P1", "transfer", "十堰市人力资源和社会保障局", None, "2026-10-08 10:00",
           "2026-10-08 11:00", date(2026, 10, 22), "2026-10-21 10:00", "2026-10-23 10:00",
           "closed", None),
    "H8": ("O1", "assign", "茅箭区市场监督管理局", "B3", "2026-09-01 10:00", None,
           date(2026, 9, 15), None, None, "sent", None),
}

# handoff, action, at
EVENTS = [("H5", "return", "2026-10-20 10:00"), ("H2", "send_back", "2026-10-21 10:00")]

# handoff, final, outcome, persons, amount, received
REPLIES = [
    ("H1", True, "rectified", None, None, "2026-10-23 17:00"),
    ("H2", True, "partially_rectified", None, None, "2026-10-19 10:00"),
    ("H3", False, "case_opened", None, None, "2026-10-20 10:00"),
    ("H3", False, "org_handling", 3, None, "2026-10-26 10:00"),
    ("H3", True, "accountability", 2, None, "2026-10-27 16:00"),
    ("H4", False, "sanction", 1, None, "2026-10-29 10:00"),
    ("H7", True, "resolved", None, Decimal("12000.50"), "2026-10-21 10:00"),
    ("H8", False, "case_opened", None, None, "2026-09-20 10:00"),  # September: not counted
]


def insert_month(session: Session) -> dict[str, int]:
    """Insert the month; answers the database id of every key above."""
    ids: dict[str, int] = {}
    user = add_user(session, username="report-li", display_name="李科员", role="reviewer",
                    password="correct-horse-9")
    agency = Agency(name="月报测试来源单位", channel="other", region_code=SHIYAN)
    session.add(agency)
    session.flush()
    for key, (name, region) in BODIES.items():
        body = session.scalar(select(Body).where(Body.name == name))
        if body is None:
            body = Body(name=name, region_code=region, level="county", kind="政府部门")
            session.add(body)
            session.flush()
        ids[key] = body.id
    for key, (received, channel, category, field, region, subject, title) in CLUES.items():
        raw = RawRecord(agency_id=agency.id, origin="api", sha256="0" * 64, size=1,
                        body_enc=b"x", outcome="accepted")
        session.add(raw)
        session.flush()
        clue = Clue(agency_id=agency.id, source_ref=f"report-{key}", raw_record_id=raw.id,
                    received_at=at(received), reported_at=at(received), status="pending_review",
                    channel=channel, title=title, content=title, category=category, field=field,
                    region_code=region, subjects=_subjects(subject, ids))
        session.add(clue)
        session.flush()
        ids[key] = clue.id
    for clue, kind, decided in DECISIONS:
        session.add(Decision(clue_id=ids[clue], kind=kind, target="对象", decided_by=user.id,
                             decided_at=at(decided), via="page"))
    for key, members in CLUSTERS.items():
        cluster = Cluster(lead_clue_id=ids[members[0]], members=len(members), channels=0)
        session.add(cluster)
        session.flush()
        ids[key] = cluster.id
        session.add_all(ClueCluster(clue_id=ids[m], cluster_id=cluster.id) for m in members)
    for n, (key, row) in enumerate(HANDOFFS.items(), start=1):
        clue, kind, receiver, body, sent, acked, due, replied, closed, state, returned_by = row
        handoff = Handoff(
            number=f"JB-2026-{n:06d}", clue_id=ids[clue], kind=kind, receiver_name=receiver,
            body_id=ids.get(body) if body else None, state=state, returned_by=returned_by,
            sent_at=at(sent), acknowledged_at=at(acked) if acked else None, due_on=due,
            first_replied_at=at(replied) if replied else None,
            replied_at=at(replied) if replied else None,
            verified_at=at(closed) if closed else None, closed_at=at(closed) if closed else None)
        session.add(handoff)
        session.flush()
        ids[key] = handoff.id
    for handoff, action, when in EVENTS:
        session.add(HandoffEvent(handoff_id=ids[handoff], at=at(when), actor="system", via="api",
                                 action=action, to_state="returned"))
    for handoff, final, outcome, persons, amount, received in REPLIES:
        session.add(HandoffReply(handoff_id=ids[handoff], final=final, text="办理情况",
                                 outcome=outcome, persons=persons, amount_yuan=amount,
                                 received_at=at(received), actor="agency:1", via="api"))
    session.flush()
    return ids


def _subjects(key: str | None, ids: dict[str, int]) -> list[dict]:
    if key is None:
        return []
    if key == "unresolved":
        return [{"name": "某单位", "body_id": None, "resolution": {"method": "unresolved"}}]
    name = BODIES[key][0]
    return [{"name": name, "body_id": ids[key], "resolved_name": name,
             "resolution": {"method": "name", "score": 100.0}}]
