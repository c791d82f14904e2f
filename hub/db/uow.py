"""The unit of work: the one place that commits, and that publishes after commit.

Services receive a `UnitOfWork`, add and query through `uow.session`, and ask for queue
wake-ups with `uow.wake(stage, task_ids)`. Nothing is published unless the commit succeeded,
so no message ever points at a row that does not exist.
"""

from __future__ import annotations

from collections import defaultdict
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hub.db.engine import WriteGate

if TYPE_CHECKING:
    from hub.queue.bus import Bus

# What a commit raises when another writer took the same unique key first: callers above the
# repositories catch it from here and never import the driver's exceptions themselves.
__all__ = ["IntegrityError", "UnitOfWork"]


class UnitOfWork:
    def __init__(
        self, sessions: sessionmaker[Session], bus: Bus | None, gate: WriteGate, write: bool
    ) -> None:
        self._sessions = sessions
        self._bus = bus
        self._gate = gate() if write else None
        self._pending: dict[str, list[int]] = defaultdict(list)
        self._committed: dict[str, list[int]] = defaultdict(list)
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        if self._gate is not None:
            self._gate.__enter__()
        self.session = self._sessions()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.session.close()  # rolls back what was not committed; loaded objects stay readable
        finally:
            if self._gate is not None:
                self._gate.__exit__(exc_type, exc, tb)
                self._gate = None
        if exc_type is None:
            self._publish()

    def wake(self, stage: str, task_ids: list[int]) -> None:
        """Ask for workers of `stage` to be woken for these tasks, once committed."""
        self._pending[stage].extend(task_ids)

    def commit(self) -> None:
        self.session.commit()
        for stage, ids in self._pending.items():
            self._committed[stage].extend(ids)
        self._pending.clear()

    def _publish(self) -> None:
        # Published after the write gate is released, so a slow broker never holds writers.
        # A lost publish is not lost work: the sweeper publishes pending tasks again.
        if self._bus is not None:
            for stage, ids in self._committed.items():
                self._bus.wake(stage, ids)
        self._committed.clear()
