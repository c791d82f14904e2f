"""Every module in hub/ stays under 400 lines (migrations aside): one that grows is split
along its seams (docs/architecture.md, "The rooms")."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HUB = ROOT / "hub"
LIMIT = 400


def _too_long(root: Path) -> dict[str, int]:
    """The modules under `root` longer than LIMIT lines, with their number of lines."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if "migrations" in relative.parts:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > LIMIT:
            found[(Path(root.name) / relative).as_posix()] = lines
    return found


def test_no_module_in_hub_is_over_400_lines() -> None:
    too_long = _too_long(HUB)
    assert too_long == {}, "split these modules along their seams (lines > 400): " + ", ".join(
        f"{name} ({lines})" for name, lines in too_long.items())


def test_a_module_over_400_lines_is_named(tmp_path: Path) -> None:
    """The check names the file that is too long, counts a file of exactly 400 lines as fine
    and leaves migrations out."""
    hub = tmp_path / "hub"
    (hub / "reports").mkdir(parents=True)
    (hub / "migrations" / "versions").mkdir(parents=True)
    (hub / "reports" / "repository.py").write_text("x = 1\n" * 401, encoding="utf-8")
    (hub / "reports" / "figures.py").write_text("x = 1\n" * 400, encoding="utf-8")
    (hub / "migrations" / "versions" / "0001_base.py").write_text("x = 1\n" * 900,
                                                                   encoding="utf-8")
    assert _too_long(hub) == {"hub/reports/repository.py": 401}
