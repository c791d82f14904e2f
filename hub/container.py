"""The hub's long-lived parts, built once per process from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hub.db.engine import WriteGate, make_engine, make_sessionmaker
from hub.db.uow import UnitOfWork
from hub.queue.bus import Bus
from hub.security.crypto import Cipher
from hub.security.keyring import KeyringFile
from hub.security.signing import SigningKey, ensure_signing_key, signing_key_path
from hub.settings import Settings


@dataclass
class Hub:
    settings: Settings
    engine: Engine
    relaxed_engine: Engine
    sessions: sessionmaker[Session]
    relaxed_sessions: sessionmaker[Session]
    gate: WriteGate
    bus: Bus
    cipher: Cipher

    @classmethod
    def from_settings(cls, settings: Settings) -> Hub:
        engine = make_engine(settings.database_url)
        relaxed = make_engine(settings.database_url, durable=False)
        return cls(
            settings=settings,
            engine=engine,
            relaxed_engine=relaxed,
            sessions=make_sessionmaker(engine),
            relaxed_sessions=make_sessionmaker(relaxed),
            gate=WriteGate(enabled=settings.is_sqlite),
            bus=Bus(settings.broker_url, settings.queue_prefix),
            cipher=Cipher(KeyringFile(settings.keyring_path)),
        )

    @cached_property
    def signing_key(self) -> SigningKey:
        """The hub's Ed25519 key (webhooks, audit chain head), made on first use if missing."""
        return ensure_signing_key(signing_key_path(self.settings.keyring_path))

    def uow(self, write: bool = True, durable: bool = True) -> UnitOfWork:
        """A unit of work. `durable=False` for work that is done again if its commit is lost
        (pipeline steps): it skips the wait for the disk."""
        sessions = self.sessions if durable else self.relaxed_sessions
        return UnitOfWork(sessions, self.bus, self.gate, write=write)

    def close(self) -> None:
        self.bus.close()
        self.engine.dispose()
        self.relaxed_engine.dispose()
