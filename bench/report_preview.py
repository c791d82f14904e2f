"""Write the demo month's meeting packet (the month of tests/reports/month.py) as .docx, for
`make report-preview` to turn into PNG pages a person can look at.

    .venv/bin/python bench/report_preview.py OUT_DIR
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hub.container import Hub  # noqa: E402
from hub.db.migrate import upgrade  # noqa: E402
from hub.reports.build import build  # noqa: E402
from hub.reports.docx import write_docx  # noqa: E402
from hub.reports.scope import Scope  # noqa: E402
from hub.security.keyring import create_keyring  # noqa: E402
from hub.settings import Settings  # noqa: E402
from tests.reports.month import insert_month  # noqa: E402


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp}/demo.db",
                        keyring_path=tmp / "keyring.json")
    upgrade(settings.database_url)
    create_keyring(settings.keyring_path)
    hub = Hub.from_settings(settings)
    with hub.uow() as uow:
        insert_month(uow.session)
        uow.commit()
    with hub.uow(write=False) as uow:
        report = build(uow.session, Scope(2026, 10, as_of=datetime(2026, 11, 5, tzinfo=UTC)),
                       office_name=settings.office_name)
    hub.close()
    path = write_docx(report, out / "demo-2026-10.docx")
    print(path)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/report-preview"))
