"""The report's charts as PNG bytes (matplotlib, Agg, a CJK font; FACTS.md).

The Chinese font is the hub's one font (hub/fonts.py), registered by its file
(`fontManager.addfont`), so a font installed after matplotlib built its font cache
(`~/.cache/matplotlib/fontlist-*.json`) is still used.
"""

from __future__ import annotations

import io
import threading
from functools import cache
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager, rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from hub.fonts import cjk_font  # noqa: E402

FALLBACK = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "DejaVu Sans"]


@cache
def cjk_families() -> tuple[str, ...]:
    """The font families to draw with: the hub's Chinese font (hub/fonts.py: its file and the
    family read from it) first, registered with matplotlib by its file whatever matplotlib's
    font cache holds."""
    font = cjk_font()
    if not font.found:
        return tuple(FALLBACK)
    manager = font_manager.fontManager
    if not any(entry.fname == str(font.path) for entry in manager.ttflist):
        manager.addfont(str(font.path))
    return (font.family, *[f for f in FALLBACK if f != font.family])


def _rc() -> dict[str, Any]:
    return {"font.sans-serif": list(cjk_families()), "font.family": "sans-serif",
            "axes.unicode_minus": False}


# rc_context swaps matplotlib's one global rcParams: two threads drawing at once (two report
# requests, two schedulers' jobs) would restore each other's settings mid-chart and draw
# Chinese in DejaVu Sans. One chart is drawn at a time.
_DRAWING = threading.Lock()


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=110, bbox_inches="tight")
    return out.getvalue()


def trend_chart(report: dict[str, Any]) -> bytes:
    trend = report["trend"]
    months = [m[2:].replace("-", ".") for m in trend["months"]]
    with _DRAWING, rc_context(_rc()):
        fig = Figure(figsize=(7.2, 3.2))
        ax = fig.subplots()
        ax.bar(months, trend["received"], color="#6a8fc7", label=trend["labels"]["received"])
        ax.plot(months, trend["closed"], color="#2e7d32", marker="o",
                label=trend["labels"]["closed"])
        ax.plot(months, trend["overdue"], color="#c62828", marker="s",
                label=trend["labels"]["overdue"])
        ax.set_title(f"近十二个月趋势（截至{report['label']}）")
        ax.set_ylabel("件（条）")
        ax.legend(loc="upper left", fontsize=8)
        ax.tick_params(axis="x", labelsize=8, rotation=45)
        ax.grid(axis="y", alpha=0.3)
        return _png(fig)


def bar_chart(figure: dict[str, Any], title: str | None = None) -> bytes:
    groups = figure["groups"][:10]
    labels = [g["label"] for g in groups][::-1]
    values = [g["value"] for g in groups][::-1]
    with _DRAWING, rc_context(_rc()):
        fig = Figure(figsize=(7.2, 0.45 * max(len(groups), 2) + 1.0))
        ax = fig.subplots()
        ax.barh(labels, values, color="#6a8fc7")
        for y, v in enumerate(values):
            ax.text(v, y, f" {v}", va="center", fontsize=8)
        ax.set_title(title or figure["label"])
        ax.grid(axis="x", alpha=0.3)
        return _png(fig)


def charts(report: dict[str, Any]) -> dict[str, bytes]:
    figures = report["figures"]
    return {"trend": trend_chart(report),
            "channel": bar_chart(figures["received_by_channel"], "本月线索来源渠道"),
            "category": bar_chart(figures["received_by_category"], "本月线索问题类别")}
