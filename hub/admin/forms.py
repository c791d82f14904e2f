"""The administrator's forms read (what was typed, shown again beside the reason a change was
refused) and the outcomes put into words (a webhook test, replayed dead letters); pure, for
`pages.py`."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile

from hub.errors import FieldError, InvalidInput


def key_typed(form: Any) -> dict[str, Any]:
    return {**{k: str(form.get(k, "")) for k in ("expires", "allow_ips")},
            "scopes": [str(s) for s in form.getlist("scopes")]}


def agency_typed(form: Any) -> dict[str, str]:
    return {k: str(form.get(k, "")) for k in ("name", "channel", "region_code")}


_TYPED = {"key": ("form", key_typed), "rotate": ("form", key_typed), "edit": ("edit", agency_typed),
          "webhook": ("webhook_typed", lambda f: str(f.get("url", ""))),
          "signing_key": ("pem_typed", lambda f: str(f.get("public_key", "")))}


def as_typed(op: str, form: Any) -> dict[str, Any]:
    """What the administrator typed, shown again beside the reason a change was refused."""
    name, read = _TYPED.get(op, (None, None))
    return {name: read(form)} if name and read else {}


async def public_key_sent(form: Any) -> str:
    """The PEM uploaded as a file, else as typed."""
    upload = form.get("public_key_file")
    if isinstance(upload, UploadFile) and upload.filename:
        return (await upload.read(64 * 1024)).decode("utf-8", "replace").strip()
    return str(form.get("public_key", "")).strip()


def number(value: str, field: str, label: str) -> int | None:
    """A connector's setting typed as a whole number (empty: not set)."""
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput([FieldError([field], f"{label}应为正整数（收到“{value[:20]}”）")])
    return int(value)


def webhook_test_said(outcome: Any) -> dict[str, str]:
    if outcome.ok:
        return {"message": f"测试事件已送达：对方答复 {outcome.status}"
                           f"（{outcome.duration_ms:.0f} 毫秒）"}
    said = f"对方答复 {outcome.status}" if outcome.status else "未能连接"
    return {"error": f"测试事件未送达：{said}；{(outcome.error or '')[:200]}"}


def replayed(results: list) -> str:
    done = sum(1 for r in results if r.state in ("replayed", "resolved"))
    still = [r for r in results if r.state == "open"]
    text = f"重放 {len(results)} 条：{done} 条已成为线索或已解决"
    if still:
        text += f"，{len(still)} 条仍未通过（{(still[0].field or '记录')}：{still[0].reason}）"
    return text
