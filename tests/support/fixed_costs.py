"""Two costs every test paid again and again, made once per test process.

- argon2: the product hashes office passwords with argon2id at 64 MiB and 3 passes (a
  quarter second of CPU for each user added and each login; the authorization matrix alone
  adds seven users and logs six in). In-process tests hash with argon2id at the smallest
  cost; tests/security/test_password_hashing.py checks the product's own hasher, and the hub
  processes that tests start hash as the product does.
- TLS: each httpx client built a new SSL context and read the CA bundle (25 ms of CPU), though
  the tests talk plain HTTP on loopback; clients made with the default verification share one.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

PRODUCT_HASHER: list = []  # hub.accounts.service._hasher as the module made it


def install() -> Callable[[], None]:
    from argon2 import PasswordHasher
    from httpx._transports import default as transports

    from hub.accounts import service as accounts

    patch = pytest.MonkeyPatch()
    PRODUCT_HASHER[:] = [accounts._hasher]
    patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    accounts._dummy_hash.cache_clear()
    made = transports.create_ssl_context
    shared = made()

    def create_ssl_context(verify=True, cert=None, trust_env=True):  # noqa: ANN001, ANN202
        if verify is True and cert is None and trust_env:
            return shared
        return made(verify=verify, cert=cert, trust_env=trust_env)

    patch.setattr(transports, "create_ssl_context", create_ssl_context)

    def undo() -> None:
        patch.undo()
        accounts._dummy_hash.cache_clear()

    return undo
