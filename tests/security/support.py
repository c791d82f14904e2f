"""Helpers for the security tests: partner keys with a policy, signing like a partner does."""

from __future__ import annotations

import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.agencies.service import KeyPolicy, add_agency, find_agency, set_signing_key

README = Path(__file__).resolve().parents[2] / "README.md"


def agency_with(hub, name: str, policy: KeyPolicy | None = None, channel: str = "court"):  # noqa: ANN001, ANN201
    with hub.uow() as uow:
        agency, key = add_agency(uow.session, name=name, channel=channel, region_code="420300",
                                 policy=policy)
        uow.commit()
    return agency.id, key


def key_pair() -> tuple[bytes, str]:
    """(private PEM, public PEM) as a partner makes them."""
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private_pem, public_pem


def register_signing_key(hub, agency_id: int, public_pem: str) -> None:  # noqa: ANN001
    with hub.uow() as uow:
        set_signing_key(uow.session, find_agency(uow.session, str(agency_id)), public_pem)
        uow.commit()


def readme_example() -> dict:
    """The partner's example from README.md, executed: gives `signed_post`."""
    text = README.read_text()
    block = re.search(r"<!-- signed-request-example -->\s*```python\n(.*?)```", text, re.S)
    assert block, "README.md lost its signed-request example"
    namespace: dict = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)  # noqa: S102
    return namespace
