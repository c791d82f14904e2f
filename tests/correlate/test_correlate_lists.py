"""A batch's candidate lists read once per key (hub.correlate.lists) are exactly the lists
read once per (key, window) request: in memory against a model, and against the index on
every backend (sparse and flooded keys, overlapping and apart windows, holders on both sides
of a window's edges)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from hub.correlate import lists, repository
from hub.correlate.models import CorrelateBandKey, CorrelateFieldKey

KEYS = (11, 12, 13)
FIELDS = (("region", "420302", 3), ("place", "p:观音镇", 2), ("subject", "s:交通", 5))

holders = st.dictionaries(st.tuples(st.integers(0, 60), st.integers(1, 400)), st.none(),
                          max_size=40).map(sorted)
windows = st.lists(st.tuples(st.integers(0, 2), st.integers(-5, 65), st.integers(0, 25)),
                   min_size=1, max_size=30)


def _latest(held: list[tuple[int, int]], low: int, high: int, limit: int) -> list[int]:
    return sorted(((d << 32) | c for d, c in held if low <= d <= high), reverse=True)[:limit]


@given(st.lists(holders, min_size=3, max_size=3), windows, st.integers(1, 8),
       st.integers(0, 80))
@settings(max_examples=400, deadline=None)
def test_cut_lists_are_the_lists_asked_one_by_one(held, asked, limit, span):
    requests = sorted({(KEYS[k], day - w, day + w) for k, day, w in asked})
    by_key = dict(zip(KEYS, held, strict=True))
    groups = lists.grouped(requests, span)
    for request, (key, first) in groups.items():  # a group's windows start within `span`
        assert key == request[0] and first <= request[1] <= first + span
    union = lists.spans(requests, groups.__getitem__, 1)
    read = {group: _latest(by_key[group[0]], low, high, limit)
            for group, (low, high) in union.items()}
    done, again = lists.split(requests, groups.__getitem__, 1, read, lambda _: limit)
    assert set(done) | set(again) == set(requests)
    for request in again:  # asked on their own
        assert max(read[groups[request]]) >> 32 > request[2]
        done[request] = _latest(by_key[request[0]], request[1], request[2], limit)
    for key, low, high in requests:
        assert done[(key, low, high)] == _latest(by_key[key], low, high, limit)


def _store(session, held: list[list[tuple[int, int]]]) -> None:
    connection = session.connection()
    connection.execute(delete(CorrelateBandKey))
    connection.execute(delete(CorrelateFieldKey))
    repository.add_keys(
        connection, [(KEYS[k], d, c) for k, rows in enumerate(held) for d, c in rows],
        [(FIELDS[k][0], FIELDS[k][1], d, c) for k, rows in enumerate(held) for d, c in rows])


def test_grouped_reads_equal_reads_request_by_request(hub, monkeypatch):
    @given(st.lists(holders, min_size=3, max_size=3), windows, st.integers(1, 8),
           st.sampled_from([0, 10, 1000]))
    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    def check(held, asked, per_band, span):
        monkeypatch.setattr(repository, "BAND_SPAN", span)
        with hub.uow() as uow:
            _store(uow.session, held)
            connection = uow.session.connection()
            bands = sorted({(KEYS[k], day - w, day + w) for k, day, w in asked})
            fields = sorted({(*FIELDS[k][:2], day - w, day + w, FIELDS[k][2])
                             for k, day, w in asked})
            with repository.ordered_scans(connection):
                grouped = repository.band_lists(connection, bands, per_band)
                grouped_fields = repository.field_lists(connection, fields)
            one_by_one = dict(zip(bands, repository._band_rows(connection, bands, per_band),
                                  strict=True))
            fields_one_by_one = {r[:4]: listed for r, listed in zip(
                fields, repository._field_rows(connection, fields), strict=True)}
        assert grouped == one_by_one
        assert grouped_fields == fields_one_by_one
        for key, low, high in bands:
            assert grouped[(key, low, high)] == _latest(held[KEYS.index(key)], low, high,
                                                        per_band)

    check()


def test_list_reads_scan_the_index_backward_whatever_the_statistics(hub):
    """Flooded keys in a table never analyzed (the planner guesses 2 rows per key and, left
    alone, scans a bitmap of every holder and sorts them; checked on these rows): the
    reads still take the ordered index scan stopped by the LIMIT, not a bitmap scan and a
    sort of every holder."""
    if hub.engine.dialect.name != "postgresql":
        return  # SQLite plans a LIMITed primary-key range scan by itself
    from hub.correlate import queries

    with hub.uow() as uow:
        flood = [[(clue * 7 % 60, clue) for clue in range(1, 24001)]] * 3
        _store(uow.session, flood)
        connection = uow.session.connection()
        with repository.ordered_scans(connection):
            bands = [line for (line,) in connection.exec_driver_sql(
                "EXPLAIN " + queries.BAND_LISTS_PG,
                {"keys": list(KEYS), "lows": [0] * 3, "highs": [60] * 3, "per_band": 30})]
            fields = [line for (line,) in connection.exec_driver_sql(
                "EXPLAIN " + queries.FIELD_LISTS_PG,
                {"kinds": [f[0] for f in FIELDS], "values": [f[1] for f in FIELDS],
                 "lows": [0] * 3, "highs": [60] * 3, "limits": [f[2] for f in FIELDS]})]
        after = connection.exec_driver_sql("SHOW enable_bitmapscan").scalar_one()
    for plan in (bands, fields):
        text = "\n".join(plan)
        assert "Index Only Scan Backward" in text or "Index Scan Backward" in text, text
        assert "Bitmap" not in text and "Seq Scan" not in text, text
    assert after == "on"
