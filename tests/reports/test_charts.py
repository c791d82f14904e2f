"""Charts drawn from several threads at once keep the Chinese font (the report page and the
scheduler's job can draw at the same moment)."""

from __future__ import annotations

import threading

from hub.reports.charts import bar_chart, trend_chart

REPORT = {
    "label": "2026年10月",
    "trend": {"months": [f"2026-{m:02d}" for m in range(1, 13)],
              "received": list(range(12)), "closed": list(range(12)), "overdue": [1] * 12,
              "labels": {"received": "收到线索", "closed": "办结", "overdue": "逾期未办结"}},
}
FIGURE = {"label": "按来源渠道",
          "groups": [{"label": "12345热线", "value": 3}, {"label": "信访", "value": 2},
                     {"label": "纪委监委", "value": 1}]}


def test_charts_drawn_in_parallel_threads_never_miss_a_chinese_glyph():
    problems: list[str] = []

    def draw() -> None:
        # The suite turns warnings into errors (pyproject), so a glyph drawn in DejaVu Sans
        # raises here.
        try:
            for _ in range(2):
                assert trend_chart(REPORT)[:8] == b"\x89PNG\r\n\x1a\n"
                assert bar_chart(FIGURE)[:8] == b"\x89PNG\r\n\x1a\n"
        except Warning as warning:
            problems.append(str(warning))

    threads = [threading.Thread(target=draw) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert problems == []
