"""The monthly joint-meeting report (联席会议月报) and the ledger (台账), counted from the records.

    figures.py   the registry: every figure defined once (key, label, definition, query)
    scope.py     a month and an area, as Asia/Shanghai boundaries
    build.py     the report as data (JSON), from the registry
    ledger.py    the .xlsx ledger, streamed        docx.py   the .docx meeting packet
    charts.py    the trend charts (matplotlib, CJK font)
    issue.py     issued reports: stored unchanged with sha256, versions, sharing
"""
