"""The hub's own Ed25519 key: it signs webhooks to partner agencies and the audit chain head.

The private key lives beside the keyring (`signing_key.pem`, mode 0600, refused when others
can read it); the public key is published at `GET /api/v1/keys` so receivers can verify.
"""

from __future__ import annotations

import base64
import hashlib
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hub.errors import ConfigError
from hub.security.secret_files import load_or_make, write_new


def signing_key_path(keyring_path: Path) -> Path:
    return keyring_path.with_name("signing_key.pem")


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def key_id(self) -> str:
        """A short, stable name of the public key (first 16 hex digits of its SHA-256)."""
        return hashlib.sha256(self.public_raw).hexdigest()[:16]

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.Raw,
                                                      serialization.PublicFormat.Raw)

    def public_pem(self) -> str:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def sign(self, message: bytes) -> str:
        """The signature, base64 (standard alphabet)."""
        return base64.b64encode(self.private.sign(message)).decode()


def verify(public: Ed25519PublicKey, message: bytes, signature_b64: str) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        public.verify(base64.b64decode(signature_b64), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def create_signing_key(path: Path) -> SigningKey:
    """A new key at `path`, written whole (FileExistsError when `path` exists)."""
    key = Ed25519PrivateKey.generate()
    write_new(path, key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    return SigningKey(key)


def load_signing_key(path: Path) -> SigningKey:
    if not path.exists():
        raise ConfigError(f"签名密钥文件 {path} 不存在", hints=["运行 `hub keys init` 生成密钥"])
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(f"签名密钥文件 {path} 的权限为 {mode:o}，其他用户可读；拒绝启动",
                          hints=[f"chmod 600 {path}"])
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"签名密钥文件 {path} 不是 Ed25519 私钥")
    return SigningKey(key)


def ensure_signing_key(path: Path) -> SigningKey:
    return load_or_make(path, load_signing_key, create_signing_key)
