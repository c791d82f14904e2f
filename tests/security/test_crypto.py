"""Envelope encryption and the keyring file."""

from __future__ import annotations

import os

import pytest
from cryptography.exceptions import InvalidTag

from hub.errors import ConfigError
from hub.security.crypto import Cipher
from hub.security.keyring import create_keyring, load_keyring


def test_roundtrip_and_bound_to_its_place(tmp_path):
    cipher = Cipher(create_keyring(tmp_path / "k.json"))
    blob = cipher.encrypt("张三 13812345678".encode(), b"reporter:1:A")
    assert b"13812345678" not in blob
    assert cipher.decrypt(blob, b"reporter:1:A").decode() == "张三 13812345678"
    with pytest.raises(InvalidTag):
        cipher.decrypt(blob, b"reporter:2:A")


def test_two_encryptions_of_the_same_value_differ(tmp_path):
    cipher = Cipher(create_keyring(tmp_path / "k.json"))
    assert cipher.encrypt(b"x", b"a") != cipher.encrypt(b"x", b"a")


def test_the_values_of_one_body_decrypt_each_alone_and_stay_bound_to_their_place(tmp_path):
    cipher = Cipher(create_keyring(tmp_path / "k.json"))
    encrypt = cipher.encrypter()
    blobs = [encrypt(f"张三 1381234{i:04d}".encode(), f"reporter:1:{i}".encode())
             for i in range(200)]
    assert len({blob[-40:] for blob in blobs}) == 200  # a nonce of its own each
    assert [cipher.decrypt(b, f"reporter:1:{i}".encode()).decode()
            for i, b in enumerate(blobs)] == [f"张三 1381234{i:04d}" for i in range(200)]
    assert b"13812340007" not in blobs[7]
    with pytest.raises(InvalidTag):
        cipher.decrypt(blobs[0], b"reporter:1:1")
    assert cipher.encrypter()(b"x", b"a") != encrypt(b"x", b"a")


def test_keyring_is_owner_only_and_others_readable_is_refused(tmp_path):
    path = tmp_path / "k.json"
    ring = create_keyring(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert load_keyring(path).active_key() == ring.active_key()
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="其他用户可读"):
        load_keyring(path)


def test_missing_keyring_says_how_to_make_one(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_keyring(tmp_path / "none.json")
    assert "hub keys init" in err.value.hints[0]


def test_an_old_keyring_gets_one_blind_index_key_and_rewrap_keeps_values(tmp_path):
    import json

    from hub.security.keyring import KeyringFile

    path = tmp_path / "old.json"
    ring = create_keyring(path)
    data = json.loads(path.read_text())
    del data["blind_index_key"]  # as written before blind indexes existed
    path.write_text(json.dumps(data))
    first, second = load_keyring(path), load_keyring(path)
    assert first.blind_index_key == second.blind_index_key and len(first.blind_index_key) == 32
    assert first.keys == ring.keys

    provider = KeyringFile(path)
    cipher = Cipher(provider)
    blob = cipher.encrypt(b"secret", b"aad")
    from hub.security.keyring import write_keyring

    current = provider.ring()
    current.keys["k2"], current.active_id = b"\x01" * 32, "k2"
    write_keyring(path, current)
    moved = Cipher(KeyringFile(path)).rewrap(blob)
    assert Cipher.key_id_of(moved) == "k2" and moved[-22:] == blob[-22:]  # same ciphertext
    assert cipher.decrypt(moved, b"aad") == b"secret"  # the old reader finds the new key
