"""Connectors: one package per partner system, turning its native records into clues.

Layout, the same for every partner (`hotline`, `petition`, `discipline`, `court`,
`procuratorate`, `admin_review`)::

    connectors/<name>/
        client.py     fetch_page(http, cursor, limit) -> Page: one page of native records
        mapper.py     to_clue(record) -> submission dict | None; pure, raises MappingError
        columns.py    spreadsheet header -> native field, for offices that export Excel/CSV
        simulator.py  create_app(seed, total, page_size): a FastAPI stand-in for the partner,
                      and generate_records(seed, total) for tests without HTTP
        README.md     the native format, the mapping, what becomes a clue and what does not

Shared pieces:

    base/         MappingError, ConnectorSpec, Page, the error tree and the one HTTP layer
                  (make_client, get_json: retries, back-off, Retry-After)
    _common/      what the pure mappers share: date parsing, text clean-up, clue parts
    _sim/         what the simulators share: places, bodies, people, dirt, the paging app
    registry.py   CONNECTORS by name, get(name)

The connectors hold no state. The runner that owns the cursor (saving it after every page),
schedules pulls and sends mapped clues into the pipeline lives in the hub.
"""
