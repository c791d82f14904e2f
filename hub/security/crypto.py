"""Envelope encryption with AES-256-GCM.

Each value gets its own data key (the values of one received body share one: `encrypter`),
each value its own nonce; the data key is wrapped by the active master key, whose
id is stored beside it, so rotating the master key only re-wraps data keys. The associated
data binds a ciphertext to its place (e.g. `reporter:<agency>:<source_ref>`): moved to
another row it no longer decrypts.

Layout: version(1) | len(key_id)(1) | key_id | wrap_nonce(12) | wrapped_dek(48) | nonce(12) | ct
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.security.keyring import KeyProvider

VERSION = 1


class Cipher:
    def __init__(self, keys: KeyProvider) -> None:
        self._keys = keys
        self._masters: dict[bytes, AESGCM] = {}

    def encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        """One value under a data key of its own (drawn with its nonce in one os.urandom)."""
        return self.encrypter(1)(plaintext, aad)

    def encrypter(self, values: int = 64) -> Callable[[bytes, bytes], bytes]:
        """`encrypt` for the values of one body (a batch and its reporters): they share one
        data key, wrapped once, each with a nonce of its own. Each blob is the same format as
        `encrypt`'s, decrypted the same way; a data key never serves beyond the body.

        `values`: how many the body is expected to have (a single push: its raw body and its
        reporter); their nonces are drawn with the data key, more as needed."""
        key_id, master = self._keys.active_key()
        count = min(max(values, 1), 64)
        # One draw for the data key, its wrapping nonce and the first nonces: each draw of
        # os.urandom lets go of the interpreter lock.
        fresh = os.urandom(44 + 12 * count)
        dek, wrap_nonce = fresh[:32], fresh[32:44]
        kid = key_id.encode()
        head = bytes([VERSION, len(kid)]) + kid + wrap_nonce + self._aead(master).encrypt(
            wrap_nonce, dek, kid)
        aead = AESGCM(dek)
        nonces = [fresh[i : i + 12] for i in range(44, len(fresh), 12)]

        def encrypt(plaintext: bytes, aad: bytes) -> bytes:
            if not nonces:  # drawn 64 at a time: each draw lets go of the interpreter lock
                pool = os.urandom(12 * 64)
                nonces.extend(pool[i : i + 12] for i in range(0, len(pool), 12))
            nonce = nonces.pop()
            return head + nonce + aead.encrypt(nonce, plaintext, aad)

        return encrypt

    def _aead(self, master: bytes) -> AESGCM:
        """The master key's AESGCM, made once per key (wrapping a data key a body)."""
        aead = self._masters.get(master)
        if aead is None:
            aead = self._masters[master] = AESGCM(master)
        return aead

    def decrypt(self, blob: bytes, aad: bytes) -> bytes:
        key_id, wrap_nonce, wrapped, nonce, ciphertext = _split(blob)
        dek = AESGCM(self._keys.key(key_id)).decrypt(wrap_nonce, wrapped, key_id.encode())
        return AESGCM(dek).decrypt(nonce, ciphertext, aad)

    @staticmethod
    def key_id_of(blob: bytes) -> str:
        return _split(blob)[0]

    def rewrap(self, blob: bytes) -> bytes:
        """The same value with its data key wrapped by the active master key instead.

        Only the 32-byte data key is unwrapped and wrapped again; the value's own nonce and
        ciphertext are kept byte for byte, so re-wrapping never needs the associated data.
        """
        key_id, wrap_nonce, wrapped, nonce, ciphertext = _split(blob)
        dek = AESGCM(self._keys.key(key_id)).decrypt(wrap_nonce, wrapped, key_id.encode())
        new_id, master = self._keys.active_key()
        new_nonce = os.urandom(12)
        rewrapped = AESGCM(master).encrypt(new_nonce, dek, new_id.encode())
        kid = new_id.encode()
        return bytes([VERSION, len(kid)]) + kid + new_nonce + rewrapped + nonce + ciphertext

    def blind_index(self, purpose: str, normalized: str) -> str:
        """Keyed HMAC-SHA256 of a normalized value: equal values match, nothing decrypts."""
        message = f"{purpose}:{normalized}".encode()
        return hmac.digest(self._keys.index_key(), message, "sha256").hex()


def _split(blob: bytes) -> tuple[str, bytes, bytes, bytes, bytes]:
    if not blob or blob[0] != VERSION:
        raise ValueError("unknown ciphertext version")
    n = blob[1]
    key_id = blob[2 : 2 + n].decode()
    rest = blob[2 + n :]
    return key_id, rest[:12], rest[12:60], rest[60:72], rest[72:]
