"""What the administration pages (and the command line, where it has the same command) do:
each action is one unit of work that calls its domain's service and appends to the audit
trail. The rules themselves stay in their domains (agencies, accounts, collect, pipeline,
notify); nothing here decides what is valid.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import orjson

from hub import audit
from hub.accounts import service as accounts
from hub.accounts.models import OfficeUser
from hub.agencies import service as agencies
from hub.container import Hub
from hub.db.models import Agency, ApiKey, Task
from hub.db.types import utcnow
from hub.errors import FieldError, InvalidInput, NotFound


@dataclass(frozen=True)
class Actor:
    """Who acts, through what, from where: `user:3` on a page, `system` on the CLI."""

    actor: str
    via: str = "page"
    ip: str | None = None


def _record(session, who: Actor, action: str, target: str, *, before: dict | None = None,  # noqa: ANN001
            after: dict | None = None) -> None:
    audit.record(session, actor=who.actor, action=action, target=target, via=who.via, ip=who.ip,
                 before=before, after=after)


# --- partner agencies and their keys -------------------------------------------------------

@dataclass(frozen=True)
class AgencyRow:
    agency: Agency
    keys: list[ApiKey]
    webhook: str | None
    is_office: bool

    @property
    def live_keys(self) -> list[ApiKey]:
        now = utcnow()
        return [k for k in self.keys
                if k.revoked_at is None and (k.expires_at is None or k.expires_at > now)]


def list_agencies(hub: Hub) -> list[AgencyRow]:
    from hub.notify.webhooks import webhook_urls

    with hub.uow(write=False) as uow:
        urls = webhook_urls(uow.session)
        return [AgencyRow(a, keys, urls.get(a.id), a.name == hub.settings.office_name)
                for a, keys in agencies.list_agencies(uow.session)]


def get_agency(hub: Hub, agency_id: int) -> AgencyRow:
    found = [row for row in list_agencies(hub) if row.agency.id == agency_id]
    if not found:
        raise NotFound(f"没有编号为 {agency_id} 的协作单位")
    return found[0]


def key_policy(scopes: list[str], expires: str, allow_ips: str) -> agencies.KeyPolicy:
    """A new key's scopes, expiry and allow-list from a form's words (the domain's parsers)."""
    errors: list[FieldError] = []
    policy: dict[str, Any] = {}
    for name, parse in (("scopes", lambda: agencies.parse_scopes(scopes)),
                        ("expires_at", lambda: agencies.parse_expiry(expires)),
                        ("allowed_ips", lambda: agencies.parse_networks(
                            w for w in re.split(r"[\s,，;；]+", allow_ips) if w))):
        try:
            policy[name] = parse()
        except InvalidInput as exc:
            errors += exc.errors
    if errors:
        raise InvalidInput(errors)
    return agencies.KeyPolicy(**policy)


def add_agency(hub: Hub, who: Actor, *, name: str, channel: str, region_code: str,
               policy: agencies.KeyPolicy) -> tuple[int, str]:
    with hub.uow() as uow:
        agency, key = agencies.add_agency(uow.session, name=name, channel=channel,
                                          region_code=region_code or None, policy=policy)
        _record(uow.session, who, "agency.added", f"agency:{agency.id}",
                after={"name": agency.name, "channel": agency.channel,
                       "region_code": agency.region_code, "key_id": key.split("_")[1],
                       "scopes": policy.scopes.split()})
        uow.commit()
        return agency.id, key


def _agency(session, agency_id: int) -> Agency:  # noqa: ANN001
    return agencies.find_agency(session, str(agency_id))


def edit_agency(hub: Hub, who: Actor, agency_id: int, *, name: str, channel: str,
                region_code: str) -> None:
    with hub.uow() as uow:
        agency = _agency(uow.session, agency_id)
        before = agencies.update_agency(uow.session, agency, name=name, channel=channel,
                                        region_code=region_code or None)
        _record(uow.session, who, "agency.edited", f"agency:{agency.id}", before=before,
                after={"name": agency.name, "channel": agency.channel,
                       "region_code": agency.region_code})
        uow.commit()


def set_agency_active(hub: Hub, who: Actor, agency_id: int, active: bool) -> str:
    with hub.uow() as uow:
        agency = _agency(uow.session, agency_id)
        agencies.set_agency_active(uow.session, agency, active)
        _record(uow.session, who, "agency.enabled" if active else "agency.disabled",
                f"agency:{agency.id}", after={"active": active})
        uow.commit()
        return agency.name


def issue_key(hub: Hub, who: Actor, agency_id: int, policy: agencies.KeyPolicy, *,
              rotate: bool) -> tuple[str, list[str]]:
    """A new key (shown once); with `rotate`, the agency's other live keys are revoked."""
    with hub.uow() as uow:
        agency = _agency(uow.session, agency_id)
        if rotate:
            key, revoked = agencies.rotate_key(uow.session, agency, policy)
        else:
            key, revoked = agencies.new_key(uow.session, agency.id, policy), []
        _record(uow.session, who, "agency.key_rotated" if rotate else "agency.key_issued",
                f"agency:{agency.id}",
                after={"new_key": key.split("_")[1], "revoked_key_ids": revoked,
                       "scopes": policy.scopes.split(),
                       "expires_at": policy.expires_at.isoformat() if policy.expires_at else None,
                       "allowed_ips": (policy.allowed_ips or "").split()})
        uow.commit()
    return key, revoked


def revoke_key(hub: Hub, who: Actor, agency_id: int, key_id: str) -> None:
    with hub.uow() as uow:
        agencies.revoke_key(uow.session, key_id, agency_id=agency_id)
        _record(uow.session, who, "agency.key_revoked", f"api_key:{key_id}",
                after={"agency_id": agency_id})
        uow.commit()


def set_signing_key(hub: Hub, who: Actor, agency_id: int, pem: str | None) -> None:
    with hub.uow() as uow:
        agency = _agency(uow.session, agency_id)
        agencies.set_signing_key(uow.session, agency, pem)
        after = {"signed_requests": pem is not None}
        if pem is not None:
            after["public_key_sha256"] = hashlib.sha256(pem.strip().encode()).hexdigest()
        _record(uow.session, who, "agency.signing_key_set" if pem else "agency.signing_key_removed",
                f"agency:{agency.id}", after=after)
        uow.commit()


def set_webhook(hub: Hub, who: Actor, agency_id: int, url: str | None) -> None:
    from hub.notify.webhooks import set_webhook as store

    with hub.uow() as uow:
        store(uow.session, agency_id, url, utcnow())
        _record(uow.session, who, "agency.webhook_set" if url else "agency.webhook_removed",
                f"agency:{agency_id}", after={"url": url})
        uow.commit()


def test_webhook(hub: Hub, who: Actor, agency_id: int):  # noqa: ANN201
    """Post a signed test event to the agency's webhook now; the outcome is audited."""
    from hub.notify.dispatch import send_test

    row = get_agency(hub, agency_id)
    if row.webhook is None:
        raise InvalidInput([FieldError(["url"], "该单位还没有登记回调地址，请先保存回调地址")])
    outcome = send_test(hub, agency_id, row.webhook)
    with hub.uow() as uow:
        _record(uow.session, who, "agency.webhook_tested", f"agency:{agency_id}",
                after={"url": row.webhook, "status": outcome.status, "ok": outcome.ok,
                       "error": (outcome.error or "")[:200] or None,
                       "duration_ms": outcome.duration_ms})
        uow.commit()
    return outcome


# --- office users --------------------------------------------------------------------------

def list_users(hub: Hub) -> list[OfficeUser]:
    with hub.uow(write=False) as uow:
        return accounts.list_users(uow.session)


def add_user(hub: Hub, who: Actor, *, username: str, display_name: str, role: str,
             password: str) -> OfficeUser:
    with hub.uow() as uow:
        made = accounts.add_user(uow.session, username=username, display_name=display_name,
                                 role=role, password=password)
        _record(uow.session, who, "user.added", f"user:{made.id}",
                after={"username": made.username, "role": made.role})
        uow.commit()
        return made


def change_user(hub: Hub, who: Actor, user_ref: str | int, op: str, *, role: str = "",
                password: str = "") -> OfficeUser:
    """`role`, `disable`, `enable`, `reset_password`, `unlock`: the accounts service's
    functions, each audited there."""
    with hub.uow() as uow:
        user = accounts.find_user(uow.session, user_ref)
        kw = {"actor": who.actor, "via": who.via, "ip": who.ip}
        if op == "role":
            accounts.set_role(uow.session, user, role, **kw)
        elif op in ("disable", "enable"):
            accounts.set_active(uow.session, user, op == "enable", **kw)
        elif op == "reset_password":
            accounts.reset_password(uow.session, user, password, **kw)
        elif op == "unlock":
            accounts.unlock(uow.session, user, **kw)
        else:
            raise InvalidInput([FieldError(["op"], f"不认识的操作“{op}”")])
        uow.commit()
        return user


# --- failed pipeline tasks -----------------------------------------------------------------

def failed_tasks(hub: Hub) -> list[Task]:
    from hub.pipeline.tasks import list_failed

    with hub.uow(write=False) as uow:
        return list_failed(uow.session, limit=500)


def replay_tasks(hub: Hub, who: Actor, task_ids: list[int] | None) -> int:
    """Failed tasks (these, or all with None) made pending again and published at once."""
    from hub.pipeline.sweeper import sweep
    from hub.pipeline.tasks import replay_failed

    with hub.uow() as uow:
        n = replay_failed(uow.session, utcnow(), task_ids)
        _record(uow.session, who, "tasks.replayed", "tasks:failed",
                after={"task_ids": task_ids or "all", "replayed": n})
        uow.commit()
    sweep(hub)
    return n


# --- connectors ----------------------------------------------------------------------------

def connectors(hub: Hub, runs: int = 5) -> list[dict[str, Any]]:
    """Every connector as `hub connectors list` shows it, with its last runs."""
    from hub.collect import repository
    from hub.collect.config import overview

    rows = overview(hub)
    with hub.uow(write=False) as uow:
        recent = repository.recent_runs(uow.session, runs)
    for row in rows:
        row["runs"] = recent.get(row["name"], [])
    return rows


def configure_connector(hub: Hub, who: Actor, name: str, **changes: Any) -> dict[str, Any]:
    from hub.collect.config import configure

    return configure(hub, name, actor=who.actor, via=who.via, **changes)


# --- dead letters --------------------------------------------------------------------------

def dead_letters(hub: Hub, connector: str | None, state: str | None,
                 reason: str | None = None) -> tuple[list, list[tuple[str, str, int]]]:
    """The dead letters (filtered), and open ones counted by connector and field."""
    from hub.collect import repository

    with hub.uow(write=False) as uow:
        rows = repository.list_dead_letters(uow.session, connector, state)
        groups = repository.open_by_reason(uow.session)
    if reason:
        rows = [r for r in rows if reason in (r.field or "") or reason in r.reason]
    return rows, groups


def dead_letter(hub: Hub, dead_id: int) -> dict[str, Any]:
    """One dead letter, its native record masked, and the correction if one was made."""
    from hub.collect.deadletters import native_records
    from hub.collect.masking import masked_native

    original, corrected, dead = native_records(hub, dead_id)
    return {"dead": dead, "original": masked_native(original),
            "corrected": None if corrected is None else masked_native(corrected)}


def replay_dead_letters(hub: Hub, who: Actor, ids: list[int]) -> list:
    from hub.collect.deadletters import replay

    results = replay(hub, ids)
    with hub.uow() as uow:
        for result in results:
            _record(uow.session, who, "dead_letter.replayed", f"dead_letter:{result.dead_letter_id}",
                    after={"state": result.state, "reason": result.reason})
        uow.commit()
    return results


def discard_dead_letters(hub: Hub, who: Actor, ids: list[int], reason: str) -> int:
    from hub.collect.deadletters import discard

    return discard(hub, ids, reason, actor=who.actor, via=who.via, ip=who.ip)


def correct_dead_letter(hub: Hub, who: Actor, dead_id: int, text: str) -> list:
    """Keep the administrator's corrected record beside the original, then replay it."""
    from hub.collect.deadletters import correct

    try:
        edited = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise InvalidInput([FieldError(["record"], "更正后的记录不是合法的 JSON")]) from None
    correct(hub, dead_id, edited, actor=who.actor, via=who.via, ip=who.ip)
    return replay_dead_letters(hub, who, [dead_id])

