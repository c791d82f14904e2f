"""The hub's long-lived parts, built once per process from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hub.db.engine import WriteGate, make_engine, make_sessionmaker
from hub.db.uow import UnitOfWork
from hub.queue.bus import Bus
from hub.security.crypto import Cipher
from hub.security.keyring import load_keyring
from hub.settings import Settings


@dataclass
class Hub:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    gate: WriteGate
    bus: Bus
    cipher: Cipher

    @classmethod
    def from_settings(cls, settings: Settings) -> Hub:
        engine = make_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_sessionmaker(engine),
            gate=WriteGate(enabled=settings.is_sqlite),
            bus=Bus(settings.broker_url, settings.queue_prefix),
            cipher=Cipher(load_keyring(settings.keyring_path)),
        )

    def uow(self, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.bus, self.gate, write=write)

    def close(self) -> None:
        self.bus.close()
        self.engine.dispose()
