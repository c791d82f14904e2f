"""`hub correlate rebuild` and `hub correlate show` on a real database."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import func, select

from hub.cli import main
from hub.correlate.models import ClueCluster, CorrelateBandKey, CorrelateProfile
from hub.correlate.signature import BANDS
from hub.settings import reset_settings_cache


def _env(settings) -> dict[str, str]:
    return {"HUB_DATABASE_URL": settings.database_url, "HUB_BROKER_URL": settings.broker_url,
            "HUB_QUEUE_PREFIX": settings.queue_prefix,
            "HUB_KEYRING_PATH": str(settings.keyring_path), "HUB_LOG_LEVEL": "WARNING"}


def _invoke(settings, *args: str):
    reset_settings_cache()
    try:
        return CliRunner().invoke(main, list(args), env=_env(settings), catch_exceptions=False)
    finally:
        reset_settings_cache()


def test_rebuild_indexes_existing_clues_links_new_ones_and_keeps_clusters(
        hub, settings, add_clue, correlate):
    before = [add_clue("S06-1"), add_clue("S06-2")]
    correlate(before)  # already correlated: rebuilt, not linked again
    existing = [add_clue("S06-3"), add_clue("S06-4"), add_clue("S40-1")]  # never correlated

    result = _invoke(settings, "correlate", "rebuild", "--chunk", "2")

    assert result.exit_code == 0, result.output
    assert "已索引 2/5" in result.output and "已索引 5/5" in result.output
    assert "完成：索引 5 条，新关联 3 条，其中 2 条归入线索组" in result.output
    with hub.uow(write=False) as uow:
        profiles = uow.session.scalar(select(func.count()).select_from(CorrelateProfile))
        bands = uow.session.scalar(select(func.count()).select_from(CorrelateBandKey))
        clusters = dict(uow.session.execute(
            select(ClueCluster.clue_id, ClueCluster.cluster_id)).tuples().all())
    assert profiles == 5 and bands == 5 * BANDS  # every clue its band keys
    assert set(clusters) == {*before, *existing[:2]} and len(set(clusters.values())) == 1

    shown = _invoke(settings, "correlate", "show", str(existing[0]))
    data = json.loads(shown.output)
    assert data["members"] == sorted(clusters)
    assert data["lead_clue_id"] == before[0]
    assert all(link["linked_by"] == "system" and link["reasons"]["shared"]
               for link in data["links"])
    alone = _invoke(settings, "correlate", "show", str(existing[2]))
    assert "不在任何线索组中" in alone.output
