"""Commands of hub.agencies: `hub agency add|list|revoke-key|rotate-key|signing-key` (partner
agencies and their API keys; hub.notify adds `hub agency webhook`)."""

from __future__ import annotations

from collections.abc import Callable

import click

from hub import audit
from hub.commands import echo_json, make_hub
from hub.contract.v1 import Channel


def _key_options(command: Callable) -> Callable:
    """--scopes, --expires, --allow-ip: what a new key may do, until when, from where."""
    command = click.option("--allow-ip", "allow_ip", multiple=True, metavar="CIDR",
                           help="只允许从这些地址使用密钥（可重复，如 10.1.0.0/16）")(command)
    command = click.option("--expires", metavar="WHEN",
                           help="到期：日期 2027-06-30（当天结束，北京时间）、带时区的时间，或 90d")(command)
    return click.option("--scopes", metavar="LIST",
                        help="权限范围，逗号分隔：clues:write,clues:read,handoffs:read,"
                             "handoffs:write,reports:read（默认全部）")(command)


def _policy(scopes: str | None, expires: str | None, allow_ip: tuple[str, ...]):  # noqa: ANN202
    from hub.agencies.service import DEFAULT_SCOPES, KeyPolicy, parse_networks, parse_scopes
    from hub.errors import InvalidInput

    try:
        return KeyPolicy(scopes=parse_scopes(scopes) if scopes else DEFAULT_SCOPES,
                         expires_at=_expiry(expires) if expires else None,
                         allowed_ips=parse_networks(allow_ip))
    except InvalidInput as exc:
        hint = {"scopes": "--scopes", "allow_ip": "--allow-ip"}[str(exc.errors[0].loc[0])]
        raise click.BadParameter(exc.errors[0].msg, param_hint=hint) from None


def _expiry(text: str):  # noqa: ANN202
    from hub.agencies.service import parse_expiry
    from hub.errors import InvalidInput

    try:
        return parse_expiry(text)
    except InvalidInput as exc:
        raise click.BadParameter(exc.errors[0].msg, param_hint="--expires") from None


def _key_summary(key: str, policy) -> dict:  # noqa: ANN001
    return {"api_key": key, "scopes": policy.scopes.split(),
            "expires_at": policy.expires_at.isoformat() if policy.expires_at else None,
            "allowed_ips": (policy.allowed_ips or "").split()}


@click.group()
def agency() -> None:
    """Partner agencies (协作单位) and their API keys."""


@agency.command("add")
@click.option("--name", required=True, help="单位全称，如 十堰市中级人民法院")
@click.option("--channel", required=True, type=click.Choice([c.value for c in Channel]))
@click.option("--region", help="6 位行政区划代码")
@_key_options
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def agency_add(name: str, channel: str, region: str | None, scopes: str | None,
               expires: str | None, allow_ip: tuple[str, ...], as_json: bool) -> None:
    """Register an agency; prints its new API key once (only a hash is stored)."""
    from hub.agencies.service import add_agency
    from hub.normalize.codes import CodeError, check_region_code

    try:
        region = check_region_code(region) if region else None
    except CodeError as exc:
        raise click.BadParameter(str(exc), param_hint="--region") from None
    policy = _policy(scopes, expires, allow_ip)
    with make_hub().uow() as uow:
        found, key = add_agency(uow.session, name=name, channel=channel, region_code=region,
                                policy=policy)
        audit.record(uow.session, actor=audit.cli_actor(), action="agency.added",
                     target=f"agency:{found.id}", via="cli",
                     after={"name": found.name, "channel": channel, "region_code": region})
        uow.commit()
    data = {"id": found.id, "name": found.name, "channel": channel, "region_code": region,
            **_key_summary(key, policy)}
    if as_json:
        echo_json(data)
    else:
        click.echo(f"已登记协作单位 {found.name}（编号 {found.id}）")
        click.echo(f"API 密钥（只显示这一次，请妥善转交）：{key}")


@agency.command("list")
@click.option("--json", "as_json", is_flag=True)
def agency_list(as_json: bool) -> None:
    """Agencies with their keys (ids and state, never secrets)."""
    from hub.agencies.service import list_agencies

    with make_hub().uow(write=False) as uow:
        rows = [
            {"id": a.id, "name": a.name, "channel": a.channel, "region_code": a.region_code,
             "signed_requests": a.signing_public_key is not None,
             "keys": [{"id": k.id, "created_at": k.created_at.isoformat(),
                       "revoked": k.revoked_at is not None, "scopes": k.scopes.split(),
                       "expires_at": k.expires_at.isoformat() if k.expires_at else None,
                       "allowed_ips": (k.allowed_ips or "").split()} for k in keys]}
            for a, keys in list_agencies(uow.session)
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        live = [k["id"] for k in row["keys"] if not k["revoked"]]
        click.echo(f"{row['id']:>4}  {row['name']}  {row['channel']}  "
                   f"{row['region_code'] or '-'}  有效密钥: {', '.join(live) or '无'}")


@agency.command("revoke-key")
@click.argument("key_id")
def agency_revoke_key(key_id: str) -> None:
    """Revoke one API key at once (by its id, the part after `hub_`)."""
    from hub.agencies.service import revoke_key

    with make_hub().uow() as uow:
        revoke_key(uow.session, key_id)
        audit.record(uow.session, actor=audit.cli_actor(), action="agency.key_revoked",
                     target=f"api_key:{key_id}", via="cli")
        uow.commit()
    click.echo(f"密钥 {key_id} 已吊销")


@agency.command("rotate-key")
@click.argument("agency_ref")
@_key_options
@click.option("--json", "as_json", is_flag=True)
def agency_rotate_key(agency_ref: str, scopes: str | None, expires: str | None,
                      allow_ip: tuple[str, ...], as_json: bool) -> None:
    """Issue a new key for an agency (id or name) and revoke its old ones."""
    from hub.agencies.service import find_agency, rotate_key

    policy = _policy(scopes, expires, allow_ip)
    with make_hub().uow() as uow:
        found = find_agency(uow.session, agency_ref)
        key, revoked = rotate_key(uow.session, found, policy)
        audit.record(uow.session, actor=audit.cli_actor(), action="agency.key_rotated",
                     target=f"agency:{found.id}", via="cli",
                     after={"new_key": key.split("_")[1], "revoked_key_ids": revoked})
        uow.commit()
    if as_json:
        echo_json({"id": found.id, **_key_summary(key, policy), "revoked_key_ids": revoked})
    else:
        click.echo(f"新 API 密钥（只显示这一次）：{key}")
        click.echo(f"已吊销旧密钥：{', '.join(revoked) or '无'}")


@agency.command("signing-key")
@click.argument("agency_ref")
@click.option("--public-key", "public_key", type=click.Path(exists=True, dir_okay=False),
              help="协作单位的 Ed25519 公钥（PEM）；登记后该单位的每个请求都必须签名")
@click.option("--remove", is_flag=True, help="取消请求签名要求")
def agency_signing_key(agency_ref: str, public_key: str | None, remove: bool) -> None:
    """Require signed requests from an agency (its Ed25519 public key), or stop requiring."""
    from pathlib import Path

    from hub.agencies.service import find_agency, set_signing_key
    from hub.errors import InvalidInput

    if bool(public_key) == remove:
        raise click.UsageError("请给出 --public-key FILE，或用 --remove 取消")
    pem = Path(public_key).read_text() if public_key else None
    with make_hub().uow() as uow:
        found = find_agency(uow.session, agency_ref)
        try:
            set_signing_key(uow.session, found, pem)
        except InvalidInput as exc:
            raise click.BadParameter(exc.errors[0].msg, param_hint="--public-key") from None
        uow.commit()
    click.echo(f"协作单位 {found.name} 的请求" + ("今后必须签名" if pem else "不再要求签名"))


COMMANDS = [agency]
