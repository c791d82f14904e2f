"""The garbage collector in a served API process.

What the process made to start (routes, models, validators, the ORM's mappers, the warm-up's
objects: hundreds of thousands) lives as long as the process. Left in the collector's oldest
generation, every full collection walks all of it again; a batch of 500 clues allocates
enough to set off such collections. Frozen once warm, those objects are never walked again;
and a young collection every YOUNG allocations (instead of 700) leaves a request's short-lived
objects to die by reference counting first. Cycles are still collected, a little later.
"""

from __future__ import annotations

import gc

YOUNG = 20_000


def settle() -> None:
    """Call once the process is warm, before it serves: collect, freeze what is left, and
    collect the young generation less often."""
    freeze()
    collect_less()


def freeze() -> None:
    """Collect, then move what is left out of the collector's sight for the process's life."""
    gc.collect()
    gc.freeze()


def collect_less() -> None:
    """A young collection every YOUNG allocations in this process (API processes, workers,
    schedulers); the threshold only grows."""
    young, middle, old = gc.get_threshold()
    if young < YOUNG:
        gc.set_threshold(YOUNG, middle, old)
