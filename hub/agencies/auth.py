"""Authenticating agencies' requests, with a short cache of key records.

Looking the key up costs a query per request; the cache keeps each key's record for
`HUB_API_KEY_CACHE_SECONDS` (default 2 s), so a revoked or rotated key stops working in
other processes within that time, and at once in the process that revoked it.
"""

from __future__ import annotations

import threading
import time

from hub.agencies import signing
from hub.agencies.ratelimit import RateLimiter
from hub.agencies.service import (
    AgencyPrincipal,
    KeyRecord,
    check_ip,
    check_key,
    load_key,
    split_token,
)
from hub.container import Hub
from hub.db.types import utcnow


class KeyCache:
    def __init__(self, hub: Hub, ttl: float) -> None:
        self.hub = hub
        self.ttl = ttl
        self._lock = threading.Lock()
        self._records: dict[str, tuple[float, KeyRecord | None]] = {}

    def authenticate(self, token: str | None) -> AgencyPrincipal:
        key_id, secret = split_token(token)
        return check_key(self._record(key_id), secret, utcnow())

    def _record(self, key_id: str) -> KeyRecord | None:
        now = time.monotonic()
        with self._lock:
            cached = self._records.get(key_id)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        with self.hub.uow(write=False) as uow:
            record = load_key(uow.session, key_id)
        with self._lock:
            if len(self._records) > 10_000:  # keys guessed at random must not grow it forever
                self._records.clear()
            self._records[key_id] = (now, record)
        return record

    def forget(self, key_id: str | None = None) -> None:
        with self._lock:
            if key_id is None:
                self._records.clear()
            else:
                self._records.pop(key_id, None)


class AgencyGuard:
    """Everything an agency's request passes before its route runs, in this order:
    the key (valid, live, not expired), the key's IP allow-list, the agency's rate limit,
    and, when the agency registered a public key, the request's signature and nonce.

    Every route that takes `AgencyDep` (hub/api/deps.py) gets all four.
    """

    def __init__(self, hub: Hub) -> None:
        settings = hub.settings
        self.hub = hub
        self.keys = KeyCache(hub, settings.api_key_cache_seconds)
        self.limiter = RateLimiter(settings.rate_limit_per_second, settings.rate_limit_burst)

    def admit(self, token: str | None, ip: str | None) -> AgencyPrincipal:
        agency = self.keys.authenticate(token)
        check_ip(agency, ip)
        self.limiter.take(agency.agency_id, agency.name)
        return agency

    def check_signature(self, agency: AgencyPrincipal, method: str, target: str,
                        headers: object, body: bytes) -> None:
        """Blocking (one insert for the nonce): call from a worker thread."""
        if agency.signing_public_key is None:
            return
        signed = signing.read_headers(headers)
        now = utcnow()
        expires = signing.check_signed(agency.signing_public_key, method, target, signed, body,
                                       now, self.hub.settings.clock_skew_seconds)
        with self.hub.uow() as uow:
            signing.remember_nonce(uow.session, agency.agency_id, signed.nonce, expires, now)
            uow.commit()
