"""The order of the pipeline's stages (what a stage is: `hub.pipeline.protocol`)."""

from __future__ import annotations

from hub.correlate.stage import CorrelateStage
from hub.db.tasks import FIRST_STAGE
from hub.normalize.stage import NormalizeStage
from hub.pipeline.chain import ClueStage
from hub.pipeline.protocol import Stage, StageFailed
from hub.route.stage import RouteStage
from hub.settings import Settings

__all__ = ["FIRST_STAGE", "STAGE_NAMES", "Stage", "StageFailed", "pipeline"]


def pipeline(settings: Settings) -> dict[str, Stage]:
    """The clue pipeline: normalize, correlate, route as one unit per batch (one task per
    clue, hub.pipeline.chain); then the clue waits for review. Tasks of the three stages'
    names are all handled by it (a clue resumes where its status says it stopped)."""
    unit = ClueStage(
        NormalizeStage(next_stage="correlate", prefer_prefix=settings.office_region_prefix,
                       match_threshold=settings.directory_match_threshold),
        CorrelateStage(next_stage="route", window_days=settings.correlate_window_days),
        RouteStage(next_stage=None))
    return {name: unit for name in STAGE_NAMES}


STAGE_NAMES = (FIRST_STAGE, "correlate", "route")
