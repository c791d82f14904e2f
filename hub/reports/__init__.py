"""The monthly joint-meeting report (联席会议月报) and the ledger (台账), counted from the records.

    registry.py  what a figure is; counting any figure and listing the ids behind it
    figures.py   every figure defined once (key, label, definition in words, query)
    scope.py     a month and an area, as Asia/Shanghai boundaries
    build.py     the report as data (the JSON), drawn from the registry
    ledger.py    the .xlsx ledger, streamed       docx.py   the .docx meeting packet
    charts.py    the charts (matplotlib, CJK font)
    issue.py     issued reports: stored unchanged with sha256, versions, sharing
    endpoints.py / pages.py / cli.py / jobs.py   the API, the office's pages, `hub report`, the
                 monthly job
"""
