"""Charts drawn from several threads at once keep the Chinese font (the report page and the
scheduler's job can draw at the same moment)."""

from __future__ import annotations

import threading
from pathlib import Path

from hub.reports.charts import bar_chart, trend_chart

ROOT = Path(__file__).resolve().parents[2]
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
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


STALE_CACHE_DRAW = """
import warnings
warnings.simplefilter("error")
from hub.reports.charts import bar_chart, trend_chart
from tests.reports.test_charts import FIGURE, REPORT
trend_chart(REPORT)
bar_chart(FIGURE)
print("drawn")
"""


def test_charts_find_the_chinese_font_by_its_file_when_matplotlibs_cache_predates_it(tmp_path):
    """A font cache built before the font was installed (as on a machine where matplotlib ran
    before `apt-get install fonts-wqy-microhei`) still draws Chinese, not boxes."""
    import json
    import os
    import subprocess
    import sys

    font = WQY  # what `make setup` (and the image) install
    assert font.is_file(), "no fonts-wqy-microhei here (make setup installs it)"
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True)
    (cache,) = tmp_path.glob("fontlist-*.json")
    fonts = json.loads(cache.read_text())
    fonts["ttflist"] = [f for f in fonts["ttflist"]
                        if Path(f["fname"]).resolve() != font.resolve()]
    cache.write_text(json.dumps(fonts))
    drawn = subprocess.run([sys.executable, "-c", STALE_CACHE_DRAW], env=env, cwd=ROOT,
                           capture_output=True, text=True)
    assert drawn.returncode == 0 and "drawn" in drawn.stdout, drawn.stderr[-2000:]
    assert "Glyph" not in drawn.stderr
