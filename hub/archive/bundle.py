"""The archive file's bytes (pure): a zip of named entries with manifest.json (each entry's
SHA-256 and size, the retention period and secrecy mark) and manifest.sig (Ed25519 over
manifest.json, the hub's key), and its verification."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hub.security.signing import SigningKey, verify

MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
STAMP = (2026, 1, 1, 0, 0, 0)  # fixed entry times: the same content gives the same zip


def build(entries: dict[str, bytes], header: dict[str, Any], key: SigningKey) -> tuple[bytes, bytes, str]:
    """(zip bytes, manifest bytes, signature)."""
    manifest = orjson.dumps({**header, "entries": [
        {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for path, data in sorted(entries.items())]}, option=orjson.OPT_INDENT_2)
    signature = key.sign(manifest)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in sorted(entries.items()):
            z.writestr(zipfile.ZipInfo(path, STAMP), data)
        z.writestr(zipfile.ZipInfo(MANIFEST, STAMP), manifest)
        z.writestr(zipfile.ZipInfo(SIGNATURE, STAMP), orjson.dumps(
            {"key_id": key.key_id, "algorithm": "Ed25519", "signature": signature}))
    return out.getvalue(), manifest, signature


@dataclass
class Verdict:
    ok: bool
    problems: list[str]
    manifest: dict[str, Any]

    def summary(self) -> str:
        if self.ok:
            return (f"案卷 {self.manifest.get('file')} 校验通过：清单签名有效，"
                    f"{len(self.manifest.get('entries', []))} 个文件的 SHA-256 均一致")
        return "案卷校验未通过：" + "；".join(self.problems)


def check(content: bytes, public_raw: bytes) -> Verdict:
    """Signature over the manifest, then every entry's hash; extra or missing files named."""
    problems: list[str] = []
    try:
        z = zipfile.ZipFile(io.BytesIO(content))
        names = set(z.namelist())
        manifest_bytes = z.read(MANIFEST)
        sig = orjson.loads(z.read(SIGNATURE))
        manifest = orjson.loads(manifest_bytes)
    except (zipfile.BadZipFile, KeyError, orjson.JSONDecodeError) as exc:
        return Verdict(False, [f"不是完整的案卷文件（{type(exc).__name__}）"], {})
    public = Ed25519PublicKey.from_public_bytes(public_raw)
    if not verify(public, manifest_bytes, sig.get("signature", "")):
        problems.append("清单（manifest.json）的签名无效：清单被改动，或不是本平台的密钥所签")
    listed = {e["path"]: e for e in manifest.get("entries", [])}
    for path, entry in listed.items():
        if path not in names:
            problems.append(f"缺少文件 {path}")
            continue
        if hashlib.sha256(z.read(path)).hexdigest() != entry["sha256"]:
            problems.append(f"文件 {path} 的 SHA-256 与清单不符（内容被改动）")
    extra = names - set(listed) - {MANIFEST, SIGNATURE}
    problems += [f"清单之外多出文件 {path}" for path in sorted(extra)]
    return Verdict(not problems, problems, manifest)
