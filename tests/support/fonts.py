"""What fontconfig (not the hub) says is installed: the families of the Chinese fonts, and the
family a font file declares. Tests compare the hub's own lookup (hub/fonts.py) with these."""

from __future__ import annotations

import subprocess
from pathlib import Path

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # make fonts / system-deps, the image


def installed_chinese_families() -> set[str]:
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                         check=True).stdout
    return {name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}


def file_family(path: Path) -> str:
    """The first face's first family name, as fontconfig reads it from the file."""
    out = subprocess.run(["fc-query", "--format", "%{family[0]}\n", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return out.splitlines()[0]
