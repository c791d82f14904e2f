"""Searching clues, on both backends: the index follows the pipeline's writes, finds words,
single characters and case numbers, ranks title hits first, and covers every status."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from hub.accounts.service import OfficePrincipal
from hub.intake.present import parse_clue_no
from hub.review import repository, service
from hub.review.decisions import DecisionRequest
from hub.review.repository import QueueFilter
from hub.search import repository as search
from tests.review.office import CASE, _send, add_users, send_clues, wait_pending
from tests.support import factories


@pytest.fixture
def office(hub, agencies):
    add_users(hub)
    numbers = send_clues(hub, agencies)
    return hub, {name: parse_clue_no(n)[1] for name, n in numbers.items()}


def _found(hub, **kw) -> list[int]:
    with hub.uow(write=False) as uow:
        return [c.id for c in repository.queue(uow.session, QueueFilter(**kw), None).clues]


def test_words_characters_and_case_numbers_are_found(office):
    hub, ids = office
    fined = _found(hub, q="罚款")
    assert set(fined) == {ids["hotline"], ids["petition"]}
    assert _found(hub, q="拖欠工程款") == [ids["unknown"]]
    assert ids["unknown"] in _found(hub, q="欠")  # one character
    assert set(_found(hub, q=CASE)) == {ids["court"], ids["hotline"]}
    assert _found(hub, q="竹山县城市管理执法局") == [ids["petition"]]  # a subject unit's name
    assert _found(hub, q="没有这个词语") == []
    with hub.uow(write=False) as uow:
        assert repository.count(uow.session, QueueFilter(q="罚款"), 1000) == 2


def test_title_hits_rank_first(office):
    hub, ids = office
    # "罚款指标" is in the petition's title; the hotline clue has 罚款 in title and content,
    # but 指标 nowhere: only the petition matches, then both rank by where 罚款 stands.
    assert _found(hub, q="罚款指标") == [ids["petition"]]
    assert _found(hub, q="退还") == [ids["hotline"]]


def test_every_status_is_searchable_and_filters_combine(office):
    hub, ids = office
    with hub.uow() as uow:
        reviewer = _reviewer(uow.session)
        service.decide(uow.session, reviewer, [ids["petition"]],
                       DecisionRequest("decline", reason="重复反映"), via="page")
        uow.commit()
    assert _found(hub, q="罚款") == [ids["hotline"]]  # the queue: pending only
    with hub.uow(write=False) as uow:
        assert repository.count(uow.session, QueueFilter(q="罚款"), 1000) == 1
        assert repository.count(uow.session, QueueFilter(q="罚款", status=None), 1000) == 2
    assert set(_found(hub, q="罚款", status=None)) == {ids["hotline"], ids["petition"]}
    assert _found(hub, q="罚款", status="declined") == [ids["petition"]]
    assert _found(hub, q="罚款", status=None, channel="petition") == [ids["petition"]]
    assert len(_found(hub, status=None)) == 4


def test_rebuild_gives_the_same_answers(office):
    hub, ids = office
    before = _found(hub, q="罚款")
    with hub.uow() as uow:
        assert search.rebuild(uow.session) == 4
        uow.commit()
    assert _found(hub, q="罚款") == before


BRIDGE = {  # where 桥 stands in each clue (none in the others' text, subjects or references)
    "middle": ("道路施工夜间扰民", "来电人反映某桥梁工地夜间施工，噪音很大。"),
    "end": ("村道损坏无人维修", "来电人反映村里新修的便桥，至今未验收就已开裂。"),
    "alone": ("乡村道路设施损坏", "来电人反映村口的路、桥、灯都已损坏多年。"),
    "title": ("桥下违规占道经营", "来电人反映有商户长期占用人行道经营，城管不管。"),
    "none": ("梁某反映工资拖欠", "来电人反映乔某拖欠工资三个月，乔木被砍。"),
}


@pytest.fixture
def bridges(hub, agencies):
    _, key = agencies.add("十堰市12345热线", "hotline")
    ids = {}
    for name, (title, content) in BRIDGE.items():
        number = _send(agencies, key, factories.clue(channel="hotline", title=title,
                                                      content=content))
        ids[name] = parse_clue_no(number)[1]
    wait_pending(hub, len(BRIDGE))
    return hub, ids


def test_one_character_is_found_wherever_it_stands(bridges):
    """A one-character query (a prefix of the stored terms) finds the character in the middle
    of a run, at its end, alone, in the title only, and nothing without it; in the queue,
    among all clues and by the heading's count."""
    hub, ids = bridges
    having = {ids[n] for n in ("middle", "end", "alone", "title")}
    assert set(_found(hub, q="桥")) == having
    assert set(_found(hub, q="桥", status=None)) == having
    assert set(_found(hub, q="桥 来电人")) == having
    assert set(_found(hub, q="桥梁")) == {ids["middle"]}
    assert _found(hub, q="桥 噪音") == [ids["middle"]]
    assert set(_found(hub, q="乔")) == {ids["none"]}
    with hub.uow(write=False) as uow:
        assert repository.count(uow.session, QueueFilter(q="桥"), 1000) == 4
        assert repository.count(uow.session, QueueFilter(q="桥", status=None), 1000) == 4


def test_one_character_in_the_title_ranks_first(bridges):
    """SQLite ranks title hits first for a one-character query too (PostgreSQL: every match
    ranks the same, newest first)."""
    hub, ids = bridges
    found = _found(hub, q="桥")
    if hub.engine.dialect.name == "postgresql":
        assert found == [ids[n] for n in ("title", "alone", "end", "middle")]
    else:
        assert found[0] == ids["title"]


def test_rows_stored_with_single_characters_are_still_found(bridges):
    """An index written before stored every character alone as well: its rows still match
    (a prefix matches the whole lexeme), and a rebuild writes the smaller rows."""
    hub, ids = bridges
    with hub.uow() as uow:
        rows = [(i, "桥 " + h, r) for i, h, r in
                [(ids["title"], "桥下", ""), (ids["none"], "梁某", "")]]
        search.store(uow.session, rows)
        uow.commit()
    assert set(_found(hub, q="桥")) == {ids[n] for n in ("middle", "end", "alone", "title", "none")}
    with hub.uow() as uow:
        search.rebuild(uow.session)
        uow.commit()
    assert set(_found(hub, q="桥")) == {ids[n] for n in ("middle", "end", "alone", "title")}


def _index_tables(hub) -> dict[int, str]:
    """PostgreSQL: the index table each clue's row is in (a clue in both appears twice)."""
    with hub.uow(write=False) as uow:
        rows = uow.session.execute(text(
            "SELECT clue_id, 'pending' FROM clue_search_pending "
            "UNION ALL SELECT clue_id, 'other' FROM clue_search")).all()
    found: dict[int, str] = {}
    for clue_id, table in rows:
        found[clue_id] = found[clue_id] + "+" + table if clue_id in found else table
    return found


def test_each_clue_row_is_in_the_table_of_its_status(office):
    """PostgreSQL: a waiting clue's row in the queue's table only, any other clue's in
    clue_search only, whether the pipeline, a decision, a status set by hand (the trigger),
    a rewrite of the text (redaction) or a rebuild put it there."""
    hub, ids = office
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("one FTS5 table on SQLite")
    assert _index_tables(hub) == {i: "pending" for i in ids.values()}
    with hub.uow() as uow:
        service.decide(uow.session, _reviewer(uow.session), [ids["petition"]],
                       DecisionRequest("decline", reason="重复反映"), via="page")
        uow.commit()
    expected = {i: "pending" for i in ids.values()} | {ids["petition"]: "other"}
    assert _index_tables(hub) == expected
    with hub.uow() as uow:  # back into the queue, and another out of it, by the trigger
        uow.session.execute(text("UPDATE clues SET status = 'pending_review' WHERE id = :i"),
                            {"i": ids["petition"]})
        uow.session.execute(text("UPDATE clues SET status = 'accepted' WHERE id = :i"),
                            {"i": ids["court"]})
        uow.commit()
    expected = {i: "pending" for i in ids.values()} | {ids["court"]: "other"}
    assert _index_tables(hub) == expected
    assert _found(hub, q=CASE, status="accepted") == [ids["court"]]
    assert _found(hub, q=CASE) == [ids["hotline"]]
    with hub.uow() as uow:  # rewritten where they are
        search.index_clues(uow.session, list(ids.values()))
        uow.commit()
    assert _index_tables(hub) == expected
    with hub.uow() as uow:  # a restore without the trigger: the rows in the wrong tables
        uow.session.execute(text("INSERT INTO clue_search (clue_id, terms) "
                                 "SELECT clue_id, terms FROM clue_search_pending"))
        uow.session.execute(text("DELETE FROM clue_search_pending"))
        assert search.rebuild(uow.session) == 4
        uow.commit()
    assert _index_tables(hub) == expected
    assert set(_found(hub, q=CASE, status=None)) == {ids["court"], ids["hotline"]}


def _reviewer(session) -> OfficePrincipal:  # noqa: ANN001
    from hub.accounts.models import OfficeUser

    user = session.query(OfficeUser).filter_by(username="li").one()
    return OfficePrincipal(user_id=user.id, username=user.username, display_name=user.display_name,
                           role=user.role, session_id="", csrf_token="")
