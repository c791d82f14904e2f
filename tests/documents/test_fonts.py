"""One Chinese font for charts, documents, the report's .docx and the documents filed in
archive exports: found by its file (hub/fonts.py), its family read from the file, so what a
document names is a family that is really installed; the lookup does not depend on
matplotlib's font cache."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hub.documents.render import builtin_template, render
from hub.fonts import cjk_font, family_of, find_font_file
from hub.reports import charts
from tests.support.fonts import WQY, file_family, installed_chinese_families

ROOT = Path(__file__).resolve().parents[2]


def east_asian_fonts(content: bytes) -> set[str]:
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    return set(re.findall(r'w:eastAsia="([^"]+)"', xml))


def test_charts_and_documents_use_the_one_installed_font_by_its_file() -> None:
    assert WQY.is_file(), "no fonts-wqy-microhei here (make fonts / make system-deps install it)"
    font = cjk_font()
    assert font.path == WQY
    assert font.family == file_family(WQY) == "WenQuanYi Micro Hei"
    assert font.family in installed_chinese_families()
    assert charts.cjk_families()[0] == font.family
    letter = render(builtin_template("assign"), {"office": "十堰市委依法治市办",
                                                 "receiver": "郧西县市场监督管理局"})
    assert east_asian_fonts(letter) == {font.family}


def test_the_lookup_searches_the_font_folders_by_file_name(tmp_path) -> None:
    copied = tmp_path / "fonts" / "wenquanyi" / "wqy-microhei.ttc"
    copied.parent.mkdir(parents=True)
    shutil.copyfile(WQY, copied)
    assert find_font_file(files=(), dirs=(str(tmp_path / "fonts"),)) == copied
    assert family_of(copied) == file_family(WQY)
    assert find_font_file(files=(), dirs=(str(tmp_path / "none"),)) is None
    broken = tmp_path / "fonts" / "NotoSansCJK-Broken.ttf"
    broken.write_bytes(b"not a font")
    with pytest.raises(ValueError, match="not a readable font file"):
        family_of(broken)


STALE_CACHE = """
import io, re, warnings, zipfile
warnings.simplefilter("error")
from matplotlib import font_manager
from hub.fonts import cjk_font
from hub.documents.render import builtin_template, render
from hub.reports.charts import bar_chart, trend_chart
from tests.reports.test_charts import FIGURE, REPORT
known = {f.name for f in font_manager.fontManager.ttflist}
trend_chart(REPORT)
bar_chart(FIGURE)
xml = zipfile.ZipFile(io.BytesIO(render(builtin_template("closing"), {}))).read(
    "word/document.xml").decode()
print("cache knew it:", cjk_font().family in known)
print("font:", cjk_font().path, "|", cjk_font().family)
print("document:", sorted(set(re.findall(r'w:eastAsia="([^"]+)"', xml))))
"""


def test_the_lookup_works_when_matplotlibs_font_cache_predates_the_font(tmp_path) -> None:
    """A matplotlib font cache built before fonts-wqy-microhei was installed: the lookup still
    finds the file and its family, the charts draw Chinese with it (no missing glyphs) and the
    documents name it."""
    assert WQY.is_file(), "no fonts-wqy-microhei here (make fonts / make system-deps install it)"
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env, check=True)
    (cache,) = tmp_path.glob("fontlist-*.json")
    fonts = json.loads(cache.read_text())
    fonts["ttflist"] = [f for f in fonts["ttflist"]
                        if Path(f["fname"]).resolve() != WQY.resolve()]
    cache.write_text(json.dumps(fonts))
    ran = subprocess.run([sys.executable, "-c", STALE_CACHE], env=env, cwd=ROOT,
                         capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr[-2000:]
    family = file_family(WQY)
    assert ran.stdout.splitlines() == ["cache knew it: False", f"font: {WQY} | {family}",
                                       f"document: ['{family}']"]
    assert "Glyph" not in ran.stderr
