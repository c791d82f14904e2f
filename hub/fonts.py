"""The hub's one Chinese font, found by its file (pure: no matplotlib, no database).

Charts (hub/reports/charts.py), documents (hub/documents/render.py, the 一事一文 letters), the
report's .docx and the documents inside archive exports all use this one font: the file is
looked up on disk and its family name is read from the file's own name table (fontTools), so
a document names a family that is really installed and a chart draws with the file itself,
whatever matplotlib's font cache (~/.cache/matplotlib/fontlist-*.json) held when it was built
(FACTS.md). `make fonts`, `make system-deps` and deploy/Dockerfile install Debian's
fonts-wqy-microhei, the first file below.

    cjk_font()        -> CjkFont(path=Path(".../wqy-microhei.ttc"), family="WenQuanYi Micro Hei")
    find_font_file()  -> the first CJK font file on this system, or None
    family_of(path)   -> the family name a file declares (English, as Word and matplotlib match)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Debian's fonts-wqy-microhei (what the Makefile and the image install), then the Noto CJK
# files of fonts-noto-cjk and of other systems.
CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)
CJK_FONT_PATTERNS = ("wqy-microhei*", "wqy-zenhei*", "NotoSansCJK*", "NotoSansSC*",
                     "SourceHanSans*")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".local/share/fonts"))
SUFFIXES = (".ttc", ".ttf", ".otf")
# The family of the font the project installs: named when no CJK file is found at all (a
# machine set up by hand), so documents still say what they are meant to be read in.
INSTALLED_FAMILY = "WenQuanYi Micro Hei"
FAMILY_NAME_ID = 1
ENGLISH_US = 0x409


@dataclass(frozen=True)
class CjkFont:
    path: Path | None
    family: str

    @property
    def found(self) -> bool:
        return self.path is not None


def find_font_file(files: tuple[str, ...] = CJK_FONT_FILES,
                   dirs: tuple[str, ...] = FONT_DIRS) -> Path | None:
    """The first CJK font file on this system: the known paths, then a search of the font
    directories by the known file names."""
    for name in files:
        if Path(name).is_file():
            return Path(name)
    for directory in dirs:
        root = Path(directory)
        if not root.is_dir():
            continue
        for pattern in CJK_FONT_PATTERNS:
            for path in sorted(root.rglob(pattern)):
                if path.suffix.lower() in SUFFIXES and path.is_file():
                    return path
    return None


def family_of(path: Path) -> str:
    """The family name the file declares for its first face: the Windows English name (what
    Word and matplotlib match), else the best family name the file has. ValueError when the
    file is no font."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() == ".ttc":
            face = TTCollection(str(path), lazy=True).fonts[0]
        else:
            face = TTFont(str(path), lazy=True)
        names = face["name"]
    except (TTLibError, KeyError, IndexError, OSError) as exc:
        raise ValueError(f"{path} is not a readable font file: {exc}") from exc
    family = names.getName(FAMILY_NAME_ID, 3, 1, ENGLISH_US) or names.getBestFamilyName()
    if not family:
        raise ValueError(f"{path} names no font family")
    return str(family)


@cache
def cjk_font() -> CjkFont:
    """The hub's Chinese font (looked up once per process)."""
    path = find_font_file()
    if path is None:
        return CjkFont(None, INSTALLED_FAMILY)
    try:
        return CjkFont(path, family_of(path))
    except ValueError:
        return CjkFont(None, INSTALLED_FAMILY)
